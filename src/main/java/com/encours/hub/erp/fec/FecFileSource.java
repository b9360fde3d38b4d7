package com.encours.hub.erp.fec;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.erp.drop.RecordVisitor;
import com.encours.hub.erp.drop.SnapshotFileSource;
import com.encours.hub.erp.drop.SnapshotImport;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Path;

/**
 * FEC files dropped in a directory (protocol {@code fec-file}), each a snapshot of the ledger's customer
 * accounts. An unlettered line of a customer account is an open item, its auxiliary account (else its
 * general account) a debtor; a lettered line is settled, so its item is not open in the file; a line
 * without the 18 columns is handed over for the mapping to refuse, naming the line.
 */
@Component
public class FecFileSource extends SnapshotFileSource {

    public FecFileSource(ConnectorCatalog catalog, SnapshotImport snapshots) {
        super(catalog, snapshots);
    }

    @Override
    public String protocol() {
        return FecSettings.PROTOCOL;
    }

    @Override
    protected void checkFormatProperties(ConnectorInstance connector) {
        FecSettings.of(connector);
    }

    @Override
    protected long read(Path file, ConnectorInstance connector, RecordVisitor visitor) throws IOException {
        FecSettings settings = FecSettings.of(connector);
        FecRecords.SourceItemKeys keys = new FecRecords.SourceItemKeys();
        return FecReader.read(file, settings.charset(), settings.separator(), line -> {
            if (!line.wellFormed()) {
                visitor.malformed(line.number(), () -> FecRecords.malformedLine(line));
                return;
            }
            if (!settings.isCustomerAccount(line.field(FecFormat.COMPTE_NUM))) {
                return;
            }
            visitor.debtor(FecRecords.debtorIdentity(line), () -> FecRecords.debtor(line));
            // every customer line takes its key, lettered or not, so that lettering one instalment of an
            // entry does not shift the key of the next
            String key = keys.next(line);
            if (line.field(FecFormat.ECRITURE_LET).isBlank()) {
                visitor.openItem(line.number(), key, () -> FecRecords.openItemLine(line, key));
            }
        });
    }
}
