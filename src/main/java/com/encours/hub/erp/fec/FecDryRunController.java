package com.encours.hub.erp.fec;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /api/ops/connectors/{id}/dry-run} (OPS role, like every POST under /api/ops): what the next
 * file of a FEC connector's inbox would change (new, changed, cleared, refused), applying nothing. Reading
 * a local file is no partner call, so the answer comes in the request.
 */
@RestController
public class FecDryRunController {

    private final ConnectorCatalog catalog;
    private final FecFileSource source;

    public FecDryRunController(ConnectorCatalog catalog, FecFileSource source) {
        this.catalog = catalog;
        this.source = source;
    }

    @PostMapping("/api/ops/connectors/{id}/dry-run")
    public FecFileSource.DryRun dryRun(@PathVariable String id) {
        ConnectorInstance connector = catalog.instances().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no connector " + id));
        if (!FecSettings.PROTOCOL.equals(connector.protocol())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, id + " reads no snapshot files: a dry run is for "
                    + FecSettings.PROTOCOL + " connectors");
        }
        return source.dryRun(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "no settled file waits in the inbox of " + id));
    }
}
