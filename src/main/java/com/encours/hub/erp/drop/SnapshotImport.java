package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpRecordMapper;
import com.encours.hub.erp.ErpSource.PageSink;
import com.encours.hub.erp.VanishedItems;
import com.encours.hub.erp.VanishedItems.Vanished;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Applies the files an ERP drops, each a snapshot of what is open, one file per run: a file is compared
 * with the ledger, which applies the previous file's records asynchronously, so the next file waits for
 * the next run.
 *
 * <p>When the connector names an SFTP server, its settled files are first fetched into the inbox
 * ({@link SftpPickup}). A file is read twice, streaming: first to collect the keys of its open items, its debtors and its
 * counts; then, once the ledger's open items of this connector and company have been compared with those
 * keys and the guardrail let the file through, to hand over its records: debtors first, then a clearing
 * record for each item that vanished (built from the item the ledger holds), then the open items, a
 * malformed record included as it is (the mapping refuses it with its reason; the rest goes on). An item
 * that reappears is simply open again.
 *
 * <p>When the file is not of its format or looks truncated (too many open items vanished, far fewer
 * records than the last accepted file), nothing is applied: it goes to the error directory next to a
 * {@code .reason.txt}, and the extract fails with that reason, which the connector status shows. A file
 * whose content (SHA-256) was imported before is set aside the same way, without failing the extract. A
 * file moves to the done directory only after all its records are handed over; if the hub stops before,
 * the file is still in the inbox and the next run hands it over again (the ledger ignores what it has).
 */
@Component
public class SnapshotImport {

    private static final Logger log = LoggerFactory.getLogger(SnapshotImport.class);
    private static final int LEDGER_CHUNK = 500;
    static final int SAMPLE_SIZE = 20;

    private final LedgerRepository ledger;
    private final VanishedItems vanishedItems;
    private final FileImports imports;
    private final ErpRecordMapper mapper;
    private final SftpPickup sftp;
    private final Clock clock;

    public SnapshotImport(LedgerRepository ledger, VanishedItems vanishedItems, FileImports imports, ErpRecordMapper mapper,
                          SftpPickup sftp, Clock clock) {
        this.ledger = ledger;
        this.vanishedItems = vanishedItems;
        this.imports = imports;
        this.mapper = mapper;
        this.sftp = sftp;
        this.clock = clock;
    }

    void importNext(SnapshotFileSource source, ConnectorInstance connector, PageSink sink) {
        DropSettings settings = DropSettings.of(connector);
        DropInbox inbox = new DropInbox(settings, clock);
        if (SftpPickup.configured(connector)) {
            sftp.fetch(connector, settings);
        }
        try {
            Optional<Path> next = inbox.next();
            if (next.isPresent()) {
                importFile(source, connector, settings, inbox, next.get(), sink);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(connector.id() + ": cannot read the file drop: " + e.getMessage(), e);
        }
    }

    private void importFile(SnapshotFileSource source, ConnectorInstance connector, DropSettings settings,
                            DropInbox inbox, Path file, PageSink sink) throws IOException {
        String id = settings.connectorId();
        String name = file.getFileName().toString();
        String checksum = sha256(file);
        Snapshot snapshot;
        try {
            snapshot = scan(source, connector, file);
        } catch (DropFileRefusedException e) {
            throw refuse(settings, inbox, file, e.getMessage());
        }
        Optional<String> duplicate = alreadyImported(settings, name, checksum);
        if (duplicate.isPresent()) {
            inbox.setAside(file, duplicate.get());
            log.warn("{}: {} set aside: {}", id, name, duplicate.get());
            return;
        }
        Vanished vanished = vanished(settings, snapshot);
        Optional<String> refusal = guardrail(settings, snapshot, vanished);
        if (refusal.isPresent()) {
            imports.record(id, checksum, name, FileImports.Outcome.REFUSED, snapshot.dataRows(),
                    snapshot.openItems(), vanished.sourceItemKeys().size(), refusal.get());
            throw refuse(settings, inbox, file, refusal.get());
        }
        handOver(source, connector, settings, file, snapshot, vanished, sink);
        if (!sha256(file).equals(checksum)) {
            throw new IllegalStateException(name + " changed while it was read; it stays in the inbox for the next run");
        }
        imports.record(id, checksum, name, FileImports.Outcome.IMPORTED, snapshot.dataRows(),
                snapshot.openItems(), vanished.sourceItemKeys().size(), null);
        inbox.done(file);
        log.info("{}: {} imported: {} data records, {} open items, {} cleared as vanished, {} malformed records "
                        + "handed over to be refused", id, name, snapshot.dataRows(), snapshot.openItems(),
                vanished.sourceItemKeys().size(), snapshot.malformed());
        if (snapshot.repeatedKeys() > 0) {
            log.warn("{}: {} holds {} open items whose key an earlier item of the file already had; the later one wins",
                    id, name, snapshot.repeatedKeys());
        }
    }

    private static Snapshot scan(SnapshotFileSource source, ConnectorInstance connector, Path file) throws IOException {
        Snapshot snapshot = new Snapshot();
        snapshot.dataRows(source.read(file, connector, snapshot));
        return snapshot;
    }

    private DropFileRefusedException refuse(DropSettings settings, DropInbox inbox, Path file, String reason)
            throws IOException {
        Path kept = inbox.setAside(file, reason);
        log.warn("{}: {} refused, nothing applied, kept as {}: {}", settings.connectorId(), file.getFileName(), kept, reason);
        return new DropFileRefusedException(file.getFileName() + " refused: " + reason);
    }

    private Optional<String> alreadyImported(DropSettings settings, String name, String checksum) {
        return imports.imported(settings.connectorId(), checksum).map(earlier ->
                "already imported: same content (SHA-256 " + checksum + ") as " + earlier.fileName()
                        + ", imported at " + earlier.recordedAt() + "; nothing was applied again");
    }

    private Optional<String> guardrail(DropSettings settings, Snapshot snapshot, Vanished vanished) {
        Long lastRows = imports.lastImported(settings.connectorId()).map(FileImports.FileImport::dataRows).orElse(null);
        return SnapshotGuardrail.refusal(settings, snapshot.dataRows(), vanished, lastRows);
    }

    /** The ledger's open items of this connector and company that the file does not hold open. */
    private Vanished vanished(DropSettings settings, Snapshot snapshot) {
        return vanishedItems.find(settings.connectorId(), settings.company(), snapshot::holds);
    }

    private void handOver(SnapshotFileSource source, ConnectorInstance connector, DropSettings settings, Path file,
                          Snapshot snapshot, Vanished vanished, PageSink sink) throws IOException {
        sink.expect(snapshot.debtors().size() + vanished.sourceItemKeys().size() + snapshot.openItems()
                + snapshot.malformed());
        Pages debtors = new Pages(sink, "debtors", ErpPage.RecordType.DEBTOR, settings.pageSize());
        snapshot.debtors().forEach(debtors::add);
        debtors.flush();

        vanishedItems.handOver(settings.connectorId(), settings.company(), vanished.sourceItemKeys(),
                file.getFileName().toString(), Map.of(), "vanished", sink);

        Pages items = new Pages(sink, "items", ErpPage.RecordType.OPEN_ITEM, settings.pageSize());
        source.read(file, connector, new OpenItemsOnly() {
            @Override
            public void openItem(long number, String sourceItemKey, Supplier<String> record) {
                items.add(record.get());
            }

            @Override
            public void malformed(long number, Supplier<String> record) {
                items.add(record.get());
            }
        });
        items.flush();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Reads past the debtors: the second read hands over items only. */
    private abstract static class OpenItemsOnly implements RecordVisitor {
        @Override
        public void debtor(String identity, Supplier<String> record) {
        }
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
     *                {@code unchanged} count the file's open items against the ledger, {@code refused} the
     *                records the mapping would refuse (with the record number and reason)
     */
    public record DryRun(String connector, String file, String checksum, Outcome outcome, String reason, long dataRows,
                         long openItems, long ledgerOpen, Change newItems, Change changed, Change cleared,
                         long unchanged, Change refused) {

        public enum Outcome { APPLY, REFUSE, ALREADY_IMPORTED }

        /** @param sample up to 20 item keys (or refused records) */
        public record Change(long count, List<String> sample) {
        }
    }

    Optional<DryRun> dryRun(SnapshotFileSource source, ConnectorInstance connector) {
        DropSettings settings = DropSettings.of(connector);
        try {
            Optional<Path> next = new DropInbox(settings, clock).next();
            return next.isEmpty() ? Optional.empty() : Optional.of(dryRun(source, connector, settings, next.get()));
        } catch (IOException e) {
            throw new UncheckedIOException(connector.id() + ": cannot read the file drop: " + e.getMessage(), e);
        }
    }

    private DryRun dryRun(SnapshotFileSource source, ConnectorInstance connector, DropSettings settings, Path file)
            throws IOException {
        String name = file.getFileName().toString();
        String checksum = sha256(file);
        Tally none = new Tally();
        Snapshot snapshot;
        try {
            snapshot = scan(source, connector, file);
        } catch (DropFileRefusedException e) {
            return new DryRun(connector.id(), name, checksum, DryRun.Outcome.REFUSE, e.getMessage(), 0, 0, 0,
                    none.change(), none.change(), none.change(), 0, none.change());
        }
        Vanished vanished = vanished(settings, snapshot);
        Optional<String> duplicate = alreadyImported(settings, name, checksum);
        Optional<String> refusal = duplicate.isPresent() ? duplicate : guardrail(settings, snapshot, vanished);

        Tally cleared = new Tally();
        vanished.sourceItemKeys().forEach(key -> cleared.add(VanishedItems.itemKey(settings.connectorId(), settings.company(), key)));
        Comparison comparison = new Comparison();
        source.read(file, connector, new OpenItemsOnly() {
            @Override
            public void openItem(long number, String sourceItemKey, Supplier<String> record) {
                preview(number, record);
            }

            @Override
            public void malformed(long number, Supplier<String> record) {
                preview(number, record);
            }

            private void preview(long number, Supplier<String> record) {
                try {
                    comparison.add(mapper.openItem(connector, record.get()));
                } catch (InvalidMessageException e) {
                    comparison.refused.add("record " + number + ": " + e.getMessage());
                }
            }
        });
        comparison.flush();
        DryRun.Outcome outcome = duplicate.isPresent() ? DryRun.Outcome.ALREADY_IMPORTED
                : refusal.isPresent() ? DryRun.Outcome.REFUSE : DryRun.Outcome.APPLY;
        return new DryRun(connector.id(), name, checksum, outcome, refusal.orElse(null), snapshot.dataRows(),
                snapshot.openItems(), vanished.ledgerOpen(), comparison.created.change(), comparison.changed.change(),
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
