package com.encours.hub.ops;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.erp.ErpExtract;
import com.encours.hub.erp.ExtractProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Connectors as ops see them (never their secrets), and "extract now" for an ERP connector. */
@RestController
public class ConnectorOpsController implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConnectorOpsController.class);

    private final ConnectorCatalog catalog;
    private final ConnectorState state;
    private final ErpExtract extract;
    /** The partner is called off the request thread: a user's request never waits on an ERP. */
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    public ConnectorOpsController(ConnectorCatalog catalog, ConnectorState state, ErpExtract extract) {
        this.catalog = catalog;
        this.state = state;
        this.extract = extract;
    }

    /** @param extract the extract running in this hub instance now, with its progress; null when idle */
    public record ConnectorView(String id, String kind, String descriptor, String title, boolean enabled,
                                Duration schedule, Instant lastSuccessAt, Instant lastErrorAt, String lastError,
                                ExtractProgress extract) {
    }

    @GetMapping("/api/connectors")
    public List<ConnectorView> connectors() {
        return catalog.instances().stream().map(this::view).toList();
    }

    @PostMapping("/api/ops/connectors/{id}/sync")
    public ResponseEntity<Map<String, String>> sync(@PathVariable String id) {
        ConnectorInstance connector = catalog.instances().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no connector " + id));
        if (!"erp".equals(connector.kind()) || !connector.enabled()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, id + " is not an enabled ERP connector");
        }
        background.submit(() -> {
            try {
                extract.run(id);
            } catch (RuntimeException e) {
                log.warn("{}: extract requested by ops failed: {}", id, e.getMessage());
            }
        });
        return ResponseEntity.accepted().body(Map.of("connector", id, "status", "extract requested"));
    }

    private ConnectorView view(ConnectorInstance connector) {
        var status = state.status(connector.id()).orElse(null);
        return new ConnectorView(connector.id(), connector.kind(), connector.descriptor().file(),
                connector.descriptor().metadata().title(), connector.enabled(), connector.schedule(),
                status == null ? null : status.lastSuccessAt(), status == null ? null : status.lastErrorAt(),
                status == null ? null : status.lastError(), extract.progress(connector.id()).orElse(null));
    }

    @Override
    public void destroy() {
        background.shutdownNow();
    }
}
