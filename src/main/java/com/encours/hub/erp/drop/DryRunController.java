package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.List;

/**
 * {@code POST /api/ops/connectors/{id}/dry-run} (OPS role, like every POST under /api/ops): what the next
 * file of a file-drop connector's inbox would change (new, changed, cleared, refused), applying nothing.
 * Reading a local file is no partner call, so the answer comes in the request.
 */
@RestController
public class DryRunController {

    private final ConnectorCatalog catalog;
    private final List<SnapshotFileSource> sources;

    public DryRunController(ConnectorCatalog catalog, List<SnapshotFileSource> sources) {
        this.catalog = catalog;
        this.sources = sources;
    }

    @PostMapping("/api/ops/connectors/{id}/dry-run")
    public SnapshotImport.DryRun dryRun(@PathVariable String id) {
        ConnectorInstance connector = catalog.instances().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no connector " + id));
        SnapshotFileSource source = sources.stream().filter(s -> s.protocol().equals(connector.protocol())).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT, id + " reads no snapshot files: a "
                        + "dry run is for the file-drop connectors (" + String.join(", ",
                        sources.stream().map(SnapshotFileSource::protocol).sorted().toList()) + ")"));
        return source.dryRun(connector).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "no settled file waits in the inbox of " + id));
    }
}
