package com.encours.hub.erp.fec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one FEC file says is open, from a first read of the file: the source keys of its open items (the
 * only thing kept per line), its debtors and its counts. Nothing is handed over while it is built, so the
 * file can still be refused as a whole.
 */
final class FecSnapshot {

    /** What a data line is to the hub; both reads of a file walk it with the same rules. */
    interface LineHandler {
        /** An unlettered line of a customer account. */
        void openItem(FecReader.Line line, String sourceItemKey);

        /** A line that does not have the 18 columns: handed over, for the mapping to refuse with its reason. */
        void malformed(FecReader.Line line);

        /** Any well-formed customer-account line, lettered or not (its account is a debtor). */
        default void customerAccount(FecReader.Line line) {
        }
    }

    private final Path file;
    private final Set<String> presentKeys = new HashSet<>();
    private final Map<String, String> debtors = new LinkedHashMap<>();
    private long openLines;
    private long malformedLines;
    private long repeatedKeys;
    private FecReader.Summary summary;

    private FecSnapshot(Path file) {
        this.file = file;
    }

    /** @throws FecFileRefusedException when the header is not a FEC header */
    static FecSnapshot scan(Path file, FecSettings settings) throws IOException {
        FecSnapshot snapshot = new FecSnapshot(file);
        snapshot.summary = FecReader.read(file, settings, walk(settings, new LineHandler() {
            @Override
            public void openItem(FecReader.Line line, String sourceItemKey) {
                snapshot.openLines++;
                if (!snapshot.presentKeys.add(sourceItemKey)) {
                    snapshot.repeatedKeys++;
                }
            }

            @Override
            public void malformed(FecReader.Line line) {
                snapshot.malformedLines++;
            }

            @Override
            public void customerAccount(FecReader.Line line) {
                snapshot.debtors.computeIfAbsent(FecRecords.debtorIdentity(line), identity -> FecRecords.debtor(line));
            }
        }));
        return snapshot;
    }

    /**
     * Sorts each data line for {@code handler}: malformed, open item (with its source key) or neither
     * (another account, or a lettered customer line: settled, so not open).
     */
    static Consumer<FecReader.Line> walk(FecSettings settings, LineHandler handler) {
        FecRecords.SourceItemKeys keys = new FecRecords.SourceItemKeys();
        return line -> {
            if (!line.wellFormed()) {
                handler.malformed(line);
                return;
            }
            if (!settings.isCustomerAccount(line.field(FecFormat.COMPTE_NUM))) {
                return;
            }
            handler.customerAccount(line);
            String key = keys.next(line);
            if (line.field(FecFormat.ECRITURE_LET).isBlank()) {
                handler.openItem(line, key);
            }
        };
    }

    Path file() {
        return file;
    }

    String checksum() {
        return summary.checksum();
    }

    long dataRows() {
        return summary.dataRows();
    }

    long openLines() {
        return openLines;
    }

    long malformedLines() {
        return malformedLines;
    }

    /** Open lines whose key another line of the file already had (the later one wins in the ledger). */
    long repeatedKeys() {
        return repeatedKeys;
    }

    boolean holds(String sourceItemKey) {
        return presentKeys.contains(sourceItemKey);
    }

    /** Raw debtor records, one per customer account, in order of first appearance. */
    Collection<String> debtors() {
        return debtors.values();
    }
}
