package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.erp.ErpSource;
import jakarta.annotation.PostConstruct;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An ERP that drops files, each a snapshot of what is open (protocols {@code fec-file}, {@code csv-file},
 * {@code xml-file}). A subclass only reads its format; taking files, comparing them with the ledger, the
 * guardrail, the done and error directories and the dry run are {@link SnapshotImport}'s, the same for all.
 */
public abstract class SnapshotFileSource implements ErpSource {

    private final ConnectorCatalog catalog;
    private final SnapshotImport snapshots;

    protected SnapshotFileSource(ConnectorCatalog catalog, SnapshotImport snapshots) {
        this.catalog = catalog;
        this.snapshots = snapshots;
    }

    /** Every enabled instance's properties are checked at startup: a bad one stops the hub, naming it. */
    @PostConstruct
    void checkConfiguredInstances() {
        for (ConnectorInstance connector : catalog.enabledInstances("erp")) {
            if (protocol().equals(connector.protocol())) {
                checkFormatProperties(connector);
                DropSettings.of(connector);
                SftpPickup.check(connector);
            }
        }
    }

    /** @return the watermarks as they were: what was imported is recorded by file checksum instead */
    @Override
    public final Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        snapshots.importNext(this, connector, sink);
        return watermarks;
    }

    /**
     * What the next file of the inbox would change, applying nothing; empty when no settled file waits. Files
     * still on an SFTP server are not fetched for it (that would take them off the server).
     */
    public final Optional<SnapshotImport.DryRun> dryRun(ConnectorInstance connector) {
        return snapshots.dryRun(this, connector);
    }

    /** Checks the format's own properties; throws a ConnectorConfigurationException naming a bad one. */
    protected abstract void checkFormatProperties(ConnectorInstance connector);

    /**
     * Reads the whole file once, in order, giving each record to {@code visitor}, and returns the number
     * of data lines (or records) it holds. It must give the same records in the same order every time.
     *
     * @throws DropFileRefusedException when the file as a whole is not of this format (a header without
     *                                  the expected columns, a trailer count that does not match, XML that
     *                                  is not well-formed): then nothing of it is applied
     */
    protected abstract long read(Path file, ConnectorInstance connector, RecordVisitor visitor) throws IOException;
}
