package com.encours.hub.erp.fec;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpRecordMapper;
import com.encours.hub.erp.ErpSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * FEC files dropped in a directory (protocol {@code fec-file}). Each run takes the oldest settled file of
 * the inbox, one file per run: a file is compared with the ledger, which applies the previous file's
 * records asynchronously, so the next file waits for the next run.
 *
 * <p>A file is a snapshot of what is open. It is read twice, streaming: first to check its header, count
 * its lines and collect the keys of its open items and its debtors; then, once the ledger's open items of
 * this connector and company have been compared with those keys and the guardrail let the file through,
 * to hand over its records: debtors first, then a clearing record for each item that vanished (built
 * from the item the ledger holds), then the open-item lines, a malformed line included as it is (the
 * mapping refuses it, naming the line; the rest goes on). An item that reappears is simply open again.
 *
 * <p>When the file has no FEC header, or looks truncated (too many open items vanished, far fewer lines
 * than the last accepted file), nothing is applied: it goes to the error directory next to a
 * {@code .reason.txt}, and the extract fails with that reason, which the connector status shows. A file
 * whose content (SHA-256) was imported before is set aside the same way, without failing the extract. A
 * file moves to the done directory only after all its records are handed over; if the hub stops before,
 * the file is still in the inbox and the next run hands it over again (the ledger ignores what it has).
 */
@Component
public class FecFileSource implements ErpSource {

    private static final Logger log = LoggerFactory.getLogger(FecFileSource.class);
    private static final int LEDGER_CHUNK = 500;
    static final int SAMPLE_SIZE = 20;

    private final ConnectorCatalog catalog;
    private final LedgerRepository ledger;
    private final FileImports imports;
    private final ErpRecordMapper mapper;
    private final TransactionTemplate readOnly;
    private final Clock clock;

    public FecFileSource(ConnectorCatalog catalog, LedgerRepository ledger, FileImports imports, ErpRecordMapper mapper,
                         PlatformTransactionManager transactionManager, Clock clock) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.imports = imports;
        this.mapper = mapper;
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
        this.clock = clock;
        for (ConnectorInstance connector : catalog.enabledInstances("erp")) {
            if (FecSettings.PROTOCOL.equals(connector.protocol())) {
                FecSettings.of(connector);
            }
        }
    }

    @Override
    public String protocol() {
        return FecSettings.PROTOCOL;
    }

    /** @return the watermarks as they were: what was imported is recorded by file checksum instead */
    @Override
    public Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        FecSettings settings = FecSettings.of(connector);
        FecInbox inbox = new FecInbox(settings, clock);
        try {
            Optional<Path> next = inbox.next();
            if (next.isPresent()) {
                importFile(settings, inbox, next.get(), sink);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(connector.id() + ": cannot read the FEC drop: " + e.getMessage(), e);
        }
        return watermarks;
    }

    private void importFile(FecSettings settings, FecInbox inbox, Path file, PageSink sink) throws IOException {
        String id = settings.connectorId();
        String name = file.getFileName().toString();
        FecSnapshot snapshot;
        try {
            snapshot = FecSnapshot.scan(file, settings);
        } catch (FecFileRefusedException e) {
            throw refuse(settings, inbox, file, e.getMessage());
        }
        Optional<String> duplicate = alreadyImported(settings, snapshot);
        if (duplicate.isPresent()) {
            inbox.setAside(file, duplicate.get());
            log.warn("{}: {} set aside: {}", id, name, duplicate.get());
            return;
        }
        Vanished vanished = vanished(settings, snapshot);
        Optional<String> refusal = guardrail(settings, snapshot, vanished);
        if (refusal.isPresent()) {
            imports.record(id, snapshot.checksum(), name, FileImports.Outcome.REFUSED, snapshot.dataRows(),
                    snapshot.openLines(), vanished.sourceItemKeys().size(), refusal.get());
            throw refuse(settings, inbox, file, refusal.get());
        }
        handOver(settings, snapshot, vanished, sink);
        imports.record(id, snapshot.checksum(), name, FileImports.Outcome.IMPORTED, snapshot.dataRows(),
                snapshot.openLines(), vanished.sourceItemKeys().size(), null);
        inbox.done(file);
        log.info("{}: {} imported: {} data lines, {} open items, {} cleared as vanished, {} malformed lines handed "
                        + "over to be refused", id, name, snapshot.dataRows(), snapshot.openLines(),
                vanished.sourceItemKeys().size(), snapshot.malformedLines());
        if (snapshot.repeatedKeys() > 0) {
            log.warn("{}: {} holds {} open lines whose key (JournalCode/EcritureNum/CompteNum/CompAuxNum) an earlier "
                    + "line of another entry already had; the later one wins", id, name, snapshot.repeatedKeys());
        }
    }

    private FecFileRefusedException refuse(FecSettings settings, FecInbox inbox, Path file, String reason) throws IOException {
        Path kept = inbox.setAside(file, reason);
        log.warn("{}: {} refused, nothing applied, kept as {}: {}", settings.connectorId(), file.getFileName(), kept, reason);
        return new FecFileRefusedException(file.getFileName() + " refused: " + reason);
    }

    private Optional<String> alreadyImported(FecSettings settings, FecSnapshot snapshot) {
        return imports.imported(settings.connectorId(), snapshot.checksum()).map(earlier ->
                "already imported: same content (SHA-256 " + snapshot.checksum() + ") as " + earlier.fileName()
                        + ", imported at " + earlier.recordedAt() + "; nothing was applied again");
    }

    private Optional<String> guardrail(FecSettings settings, FecSnapshot snapshot, Vanished vanished) {
        Long lastRows = imports.lastImported(settings.connectorId()).map(FileImports.FileImport::dataRows).orElse(null);
        return SnapshotGuardrail.refusal(settings, snapshot.dataRows(), vanished.ledgerOpen(),
                vanished.sourceItemKeys().size(), lastRows);
    }

    /** @param ledgerOpen open items the ledger holds for this source and company */
    private record Vanished(long ledgerOpen, List<String> sourceItemKeys) {
    }

    /** The ledger's open items of this connector and company that the file does not hold open. */
    private Vanished vanished(FecSettings settings, FecSnapshot snapshot) {
        return readOnly.execute(status -> {
            long[] open = {0};
            List<String> gone = new ArrayList<>();
            // the mappings give an item the connector id as its source system
            ledger.forEachOpenSourceItemKey(settings.connectorId(), settings.company(), key -> {
                open[0]++;
                if (!snapshot.holds(key)) {
                    gone.add(key);
                }
            });
            return new Vanished(open[0], gone);
        });
    }

    private void handOver(FecSettings settings, FecSnapshot snapshot, Vanished vanished, PageSink sink) throws IOException {
        sink.expect(snapshot.debtors().size() + vanished.sourceItemKeys().size() + snapshot.openLines()
                + snapshot.malformedLines());
        Pages debtors = new Pages(sink, "debtors", ErpPage.RecordType.DEBTOR, settings.pageSize());
        snapshot.debtors().forEach(debtors::add);
        debtors.flush();

        Pages cleared = new Pages(sink, "vanished", ErpPage.RecordType.OPEN_ITEM, settings.pageSize());
        LocalDate today = LocalDate.now(clock);
        String name = snapshot.file().getFileName().toString();
        for (List<String> chunk : chunks(vanished.sourceItemKeys())) {
            ledger.itemColumn(chunk.stream().map(key -> itemKey(settings, key)).toList(), false).values()
                    .forEach(stored -> cleared.add(FecRecords.vanished(stored, today, name)));
        }
        cleared.flush();

        Pages lines = new Pages(sink, "lines", ErpPage.RecordType.OPEN_ITEM, settings.pageSize());
        FecReader.Summary again = FecReader.read(snapshot.file(), settings, FecSnapshot.walk(settings, new FecSnapshot.LineHandler() {
            @Override
            public void openItem(FecReader.Line line, String sourceItemKey) {
                lines.add(FecRecords.openItemLine(line, sourceItemKey));
            }

            @Override
            public void malformed(FecReader.Line line) {
                lines.add(FecRecords.malformedLine(line));
            }
        }));
        lines.flush();
        if (!again.checksum().equals(snapshot.checksum())) {
            throw new IllegalStateException(name + " changed while it was read; it stays in the inbox for the next run");
        }
    }

    /** As {@link OpenItem#itemKey()} builds it. */
    private static String itemKey(FecSettings settings, String sourceItemKey) {
        return settings.connectorId() + ":" + settings.company() + ":" + sourceItemKey;
    }

    private static List<List<String>> chunks(List<String> keys) {
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += LEDGER_CHUNK) {
            chunks.add(keys.subList(i, Math.min(keys.size(), i + LEDGER_CHUNK)));
        }
        return chunks;
    }

    /** Records collected into pages of the connector's size, each handed over when full. */
    private static final class Pages {

        private final PageSink sink;
        private final String stream;
        private final ErpPage.RecordType type;
        private final int size;
        private List<String> page;

        Pages(PageSink sink, String stream, ErpPage.RecordType type, int size) {
            this.sink = sink;
            this.stream = stream;
            this.type = type;
            this.size = size;
            this.page = new ArrayList<>(size);
        }

        void add(String record) {
            page.add(record);
            if (page.size() == size) {
                flush();
            }
        }

        void flush() {
            if (!page.isEmpty()) {
                sink.accept(new ErpPage(stream, type, page));
                page = new ArrayList<>(size);
            }
        }
    }

    // ---- dry run ------------------------------------------------------------------------------------------

    /**
     * What the next file of the inbox would change, without handing anything over nor moving the file.
     *
     * @param outcome what the extract would do with the file: APPLY it, REFUSE it (see {@code reason}) or set
     *                it aside as ALREADY_IMPORTED
     * @param cleared open items of the ledger absent from the file; {@code newItems}, {@code changed} and
     *                {@code unchanged} count the file's open lines against the ledger, {@code refused} the lines
     *                the mapping would refuse (with the line number and reason)
     */
    public record DryRun(String connector, String file, String checksum, Outcome outcome, String reason, long dataRows,
                         long openLines, long ledgerOpen, Change newItems, Change changed, Change cleared,
                         long unchanged, Change refused) {

        public enum Outcome { APPLY, REFUSE, ALREADY_IMPORTED }

        /** @param sample up to 20 item keys (or refused lines) */
        public record Change(long count, List<String> sample) {
        }
    }

    /** @return empty when no settled file waits in the inbox */
    public Optional<DryRun> dryRun(String connectorId) {
        ConnectorInstance connector = catalog.instance(connectorId);
        if (!FecSettings.PROTOCOL.equals(connector.protocol())) {
            throw new IllegalArgumentException(connectorId + " is not a " + FecSettings.PROTOCOL + " connector");
        }
        FecSettings settings = FecSettings.of(connector);
        try {
            Optional<Path> next = new FecInbox(settings, clock).next();
            return next.isEmpty() ? Optional.empty() : Optional.of(dryRun(connector, settings, next.get()));
        } catch (IOException e) {
            throw new UncheckedIOException(connectorId + ": cannot read the FEC drop: " + e.getMessage(), e);
        }
    }

    private DryRun dryRun(ConnectorInstance connector, FecSettings settings, Path file) throws IOException {
        String name = file.getFileName().toString();
        Tally none = new Tally();
        FecSnapshot snapshot;
        try {
            snapshot = FecSnapshot.scan(file, settings);
        } catch (FecFileRefusedException e) {
            return new DryRun(connector.id(), name, null, DryRun.Outcome.REFUSE, e.getMessage(), 0, 0, 0,
                    none.change(), none.change(), none.change(), 0, none.change());
        }
        Vanished vanished = vanished(settings, snapshot);
        Optional<String> duplicate = alreadyImported(settings, snapshot);
        Optional<String> refusal = duplicate.isPresent() ? duplicate : guardrail(settings, snapshot, vanished);

        Tally cleared = new Tally();
        vanished.sourceItemKeys().forEach(key -> cleared.add(itemKey(settings, key)));
        Comparison comparison = new Comparison();
        FecReader.read(file, settings, FecSnapshot.walk(settings, new FecSnapshot.LineHandler() {
            @Override
            public void openItem(FecReader.Line line, String sourceItemKey) {
                preview(line, FecRecords.openItemLine(line, sourceItemKey));
            }

            @Override
            public void malformed(FecReader.Line line) {
                preview(line, FecRecords.malformedLine(line));
            }

            private void preview(FecReader.Line line, String record) {
                try {
                    comparison.add(mapper.openItem(connector, record));
                } catch (InvalidMessageException e) {
                    comparison.refused.add("line " + line.number() + ": " + e.getMessage());
                }
            }
        }));
        comparison.flush();
        DryRun.Outcome outcome = duplicate.isPresent() ? DryRun.Outcome.ALREADY_IMPORTED
                : refusal.isPresent() ? DryRun.Outcome.REFUSE : DryRun.Outcome.APPLY;
        return new DryRun(connector.id(), name, snapshot.checksum(), outcome, refusal.orElse(null), snapshot.dataRows(),
                snapshot.openLines(), vanished.ledgerOpen(), comparison.created.change(), comparison.changed.change(),
                cleared.change(), comparison.unchanged, comparison.refused.change());
    }

    /** The file's items against the versions the ledger holds, 500 at a time. */
    private final class Comparison {

        final Tally created = new Tally();
        final Tally changed = new Tally();
        final Tally refused = new Tally();
        long unchanged;
        private final List<OpenItem> pending = new ArrayList<>(LEDGER_CHUNK);

        void add(OpenItem item) {
            pending.add(item);
            if (pending.size() == LEDGER_CHUNK) {
                flush();
            }
        }

        void flush() {
            Map<String, LedgerRepository.ItemHead> heads = ledger.itemHeads(pending.stream().map(OpenItem::itemKey).toList());
            for (OpenItem item : pending) {
                LedgerRepository.ItemHead head = heads.get(item.itemKey());
                if (head == null) {
                    created.add(item.itemKey());
                } else if (!head.version().equals(item.version())) {
                    changed.add(item.itemKey());
                } else {
                    unchanged++;
                }
            }
            pending.clear();
        }
    }

    private static final class Tally {

        private long count;
        private final List<String> sample = new ArrayList<>();

        void add(String entry) {
            count++;
            if (sample.size() < SAMPLE_SIZE) {
                sample.add(entry);
            }
        }

        DryRun.Change change() {
            return new DryRun.Change(count, List.copyOf(sample));
        }
    }
}
