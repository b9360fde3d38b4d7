package com.encours.hub.core.ledger;

import com.encours.hub.core.model.DebtorIdentifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** SQL of the ledger tables (debtor, debtor_identifier, open_item). Portable between PostgreSQL and H2. */
@Repository
public class LedgerRepository {

    private static final int IN_LIST_MAX = 500;

    private final JdbcTemplate jdbc;

    public LedgerRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record StoredDebtor(String hubId, String debtorKey, String identifiersHash, String version, String payload) {
    }

    public record StoredItem(String itemKey, String version, long revision, String payload, String lastChange) {
    }

    /** A row of open_item as the read API and the exposure computation need it. */
    public record ItemRow(String itemKey, String debtorKey, String docType, String status, String currency,
                          BigDecimal openAmount, LocalDate dueDate, String payload) {
    }

    public Optional<StoredDebtor> findDebtorByKey(String debtorKey) {
        return jdbc.query("select hub_id, debtor_key, identifiers_hash, version, payload from debtor where debtor_key = ?",
                (rs, n) -> new StoredDebtor(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)), debtorKey).stream().findFirst();
    }

    public Optional<StoredDebtor> findDebtorByHubId(String hubId) {
        return jdbc.query("select hub_id, debtor_key, identifiers_hash, version, payload from debtor where hub_id = ?",
                (rs, n) -> new StoredDebtor(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)), hubId).stream().findFirst();
    }

    public void insertDebtor(String hubId, String debtorKey, String sourceSystem, String company, String debtorRef,
                             String name, String country, String identifiersHash, String version, String payload,
                             Instant now) {
        jdbc.update("""
                insert into debtor (hub_id, debtor_key, source_system, company, debtor_ref, name, country,
                                    identifiers_hash, version, payload, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                hubId, debtorKey, sourceSystem, company, debtorRef, name, country, identifiersHash, version, payload,
                Timestamp.from(now), Timestamp.from(now));
    }

    public void updateDebtor(String hubId, String name, String country, String identifiersHash, String version,
                             String payload, Instant now) {
        jdbc.update("""
                update debtor set name = ?, country = ?, identifiers_hash = ?, version = ?, payload = ?, updated_at = ?
                where hub_id = ?""", name, country, identifiersHash, version, payload, Timestamp.from(now), hubId);
    }

    public void replaceIdentifiers(String hubId, List<DebtorIdentifier> identifiers) {
        jdbc.update("delete from debtor_identifier where hub_id = ?", hubId);
        identifiers.stream().distinct().forEach(id -> jdbc.update(
                "insert into debtor_identifier (hub_id, scheme, identifier_value) values (?, ?, ?)", hubId, id.scheme().name(),
                id.value()));
    }

    /** The hub ids of the debtors that carry any of these identifiers (a company may be a debtor in several ERPs). */
    public List<String> hubIdsWithAnyIdentifier(List<DebtorIdentifier> identifiers) {
        if (identifiers.isEmpty()) {
            return List.of();
        }
        String matches = String.join(" or ", Collections.nCopies(identifiers.size(), "(scheme = ? and identifier_value = ?)"));
        Object[] arguments = identifiers.stream().flatMap(id -> Stream.of(id.scheme().name(), id.value())).toArray();
        return jdbc.queryForList("select distinct hub_id from debtor_identifier where " + matches + " order by hub_id",
                String.class, arguments);
    }

    public Optional<StoredItem> findItem(String itemKey) {
        return jdbc.query("select item_key, version, revision, payload, last_change from open_item where item_key = ?",
                (rs, n) -> new StoredItem(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5)), itemKey).stream().findFirst();
    }

    public void upsertItem(ItemWrite item, boolean exists) {
        Timestamp now = Timestamp.from(item.now());
        Timestamp modified = item.sourceLastModified() == null ? null : Timestamp.from(item.sourceLastModified());
        if (exists) {
            jdbc.update("""
                    update open_item set debtor_key = ?, doc_type = ?, doc_number = ?, status = ?, currency = ?, original_amount = ?,
                           open_amount = ?, issue_date = ?, due_date = ?, version = ?, revision = ?, payload = ?,
                           last_change = ?, source_last_modified = ?, updated_at = ?
                    where item_key = ?""",
                    item.debtorKey(), item.docType(), item.docNumber(), item.status(), item.currency(), item.originalAmount(),
                    item.openAmount(), date(item.issueDate()), date(item.dueDate()), item.version(), item.revision(),
                    item.payload(), item.lastChange(), modified, now, item.itemKey());
        } else {
            jdbc.update("""
                    insert into open_item (item_key, debtor_key, source_system, company, source_item_key, doc_type, doc_number,
                           status, currency, original_amount, open_amount, issue_date, due_date, version, revision,
                           payload, last_change, source_last_modified, created_at, updated_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    item.itemKey(), item.debtorKey(), item.sourceSystem(), item.company(), item.sourceItemKey(),
                    item.docType(), item.docNumber(), item.status(), item.currency(), item.originalAmount(), item.openAmount(),
                    date(item.issueDate()), date(item.dueDate()), item.version(), item.revision(), item.payload(),
                    item.lastChange(), modified, now, now);
        }
    }

    /** Keys among {@code debtorKeys} that the ledger already has. */
    public Set<String> existingDebtorKeys(Collection<String> debtorKeys) {
        Set<String> found = new HashSet<>();
        for (List<String> chunk : chunks(debtorKeys)) {
            jdbc.query("select debtor_key from debtor where debtor_key in (" + marks(chunk.size()) + ")",
                    (ResultSet rs) -> {
                        found.add(rs.getString(1));
                    }, chunk.toArray());
        }
        return found;
    }

    /** Version and revision of the items the ledger has among {@code itemKeys}, in one query per 500 keys. */
    public Map<String, ItemHead> itemHeads(Collection<String> itemKeys) {
        Map<String, ItemHead> found = new HashMap<>();
        for (List<String> chunk : chunks(itemKeys)) {
            jdbc.query("select item_key, version, revision from open_item where item_key in (" + marks(chunk.size()) + ")",
                    (ResultSet rs) -> {
                        found.put(rs.getString(1), new ItemHead(rs.getString(2), rs.getLong(3)));
                    }, chunk.toArray());
        }
        return found;
    }

    /** One column ({@code payload} or {@code last_change}) of the items among {@code itemKeys}. */
    public Map<String, String> itemColumn(Collection<String> itemKeys, boolean lastChange) {
        Map<String, String> found = new HashMap<>();
        String column = lastChange ? "last_change" : "payload";
        for (List<String> chunk : chunks(itemKeys)) {
            jdbc.query("select item_key, " + column + " from open_item where item_key in (" + marks(chunk.size()) + ")",
                    (ResultSet rs) -> {
                        found.put(rs.getString(1), rs.getString(2));
                    }, chunk.toArray());
        }
        return found;
    }

    /**
     * Source keys of the items of one source system and company that are open or partly paid, one at a
     * time. Read-only; for snapshot sources (a file drop), which clear what a snapshot no longer holds. Rows
     * come 1000 at a time, so that PostgreSQL streams them when the caller runs this in a transaction.
     */
    public void forEachOpenSourceItemKey(String sourceSystem, String company, Consumer<String> action) {
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement("select source_item_key from open_item "
                    + "where source_system = ? and company = ? and status in ('OPEN', 'PARTIAL')");
            statement.setFetchSize(1000);
            statement.setString(1, sourceSystem);
            statement.setString(2, company);
            return statement;
        }, (ResultSet rs) -> {
            action.accept(rs.getString(1));
        });
    }

    public record ItemHead(String version, long revision) {
    }

    /** Inserts new items and updates changed ones, each kind in one JDBC batch. */
    public void writeItems(List<ItemWrite> inserts, List<ItemWrite> updates) {
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate("""
                    insert into open_item (item_key, debtor_key, source_system, company, source_item_key, doc_type, doc_number,
                           status, currency, original_amount, open_amount, issue_date, due_date, version, revision,
                           payload, last_change, source_last_modified, created_at, updated_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    inserts.stream().map(item -> new Object[]{item.itemKey(), item.debtorKey(), item.sourceSystem(),
                            item.company(), item.sourceItemKey(), item.docType(), item.docNumber(), item.status(),
                            item.currency(), item.originalAmount(), item.openAmount(), date(item.issueDate()),
                            date(item.dueDate()), item.version(), item.revision(), item.payload(), item.lastChange(),
                            timestamp(item.sourceLastModified()), timestamp(item.now()), timestamp(item.now())}).toList());
        }
        if (!updates.isEmpty()) {
            jdbc.batchUpdate("""
                    update open_item set debtor_key = ?, doc_type = ?, doc_number = ?, status = ?, currency = ?, original_amount = ?,
                           open_amount = ?, issue_date = ?, due_date = ?, version = ?, revision = ?, payload = ?,
                           last_change = ?, source_last_modified = ?, updated_at = ?
                    where item_key = ?""",
                    updates.stream().map(item -> new Object[]{item.debtorKey(), item.docType(), item.docNumber(),
                            item.status(), item.currency(), item.originalAmount(), item.openAmount(),
                            date(item.issueDate()), date(item.dueDate()), item.version(), item.revision(), item.payload(),
                            item.lastChange(), timestamp(item.sourceLastModified()), timestamp(item.now()),
                            item.itemKey()}).toList());
        }
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static List<List<String>> chunks(Collection<String> keys) {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(keys));
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += IN_LIST_MAX) {
            chunks.add(all.subList(i, Math.min(all.size(), i + IN_LIST_MAX)));
        }
        return chunks;
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    /** Items of a debtor that still count in its exposure (without their payload: the exposure needs none). */
    public List<ItemRow> openItemsOf(String debtorKey) {
        return jdbc.query("""
                select item_key, debtor_key, doc_type, status, currency, open_amount, due_date, null from open_item
                where debtor_key = ? and status in ('OPEN', 'PARTIAL')""", this::itemRow, debtorKey);
    }

    /** Every debtor's payload, by debtor key. */
    public List<String> debtorPayloads() {
        return jdbc.queryForList("select payload from debtor order by debtor_key", String.class);
    }

    /**
     * An item as the receivable figures need it; the payload only of a cleared item (its clearing date is in
     * there), the other items are read from their columns alone.
     */
    public record FigureRow(String docType, String status, String currency, BigDecimal originalAmount,
                            BigDecimal openAmount, LocalDate issueDate, LocalDate dueDate, String clearedPayload) {
    }

    /**
     * The debtor's items the receivable figures need: what is open, and what was cleared or issued since
     * {@code since}. An item's last update is never before its clearing, so this is every item cleared since
     * then and some cleared earlier, which the figures leave out by their clearing date.
     */
    public List<FigureRow> itemsForFigures(String debtorKey, LocalDate since) {
        // a day early: updated_at is an instant, since a day in the hub's zone
        Timestamp from = Timestamp.valueOf(since.minusDays(1).atStartOfDay());
        return jdbc.query("""
                select doc_type, status, currency, original_amount, open_amount, issue_date, due_date,
                case when status = 'CLEARED' then payload end from open_item where debtor_key = ?
                and (status in ('OPEN', 'PARTIAL') or (status = 'CLEARED' and (updated_at >= ? or issue_date >= ?)))""",
                (rs, row) -> new FigureRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4),
                        rs.getBigDecimal(5), rs.getObject(6, LocalDate.class), rs.getObject(7, LocalDate.class),
                        rs.getString(8)), debtorKey, from, date(since));
    }

    public List<ItemRow> findItems(String debtorKey, String status, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = itemFilter(debtorKey, status, args);
        args.add(offset);
        args.add(limit);
        return jdbc.query("select item_key, debtor_key, doc_type, status, currency, open_amount, due_date, payload from open_item"
                + where + " order by due_date, item_key offset ? rows fetch next ? rows only", this::itemRow, args.toArray());
    }

    public long countItems(String debtorKey, String status) {
        List<Object> args = new ArrayList<>();
        Long count = jdbc.queryForObject("select count(*) from open_item" + itemFilter(debtorKey, status, args),
                Long.class, args.toArray());
        return count == null ? 0 : count;
    }

    private static String itemFilter(String debtorKey, String status, List<Object> args) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        if (debtorKey != null) {
            where.append(" and debtor_key = ?");
            args.add(debtorKey);
        }
        if (status != null) {
            where.append(" and status = ?");
            args.add(status);
        }
        return where.toString();
    }

    private ItemRow itemRow(ResultSet rs, int row) throws SQLException {
        return new ItemRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getBigDecimal(6), rs.getDate(7).toLocalDate(), rs.getString(8));
    }

    private static Date date(LocalDate date) {
        return date == null ? null : Date.valueOf(date);
    }

    /** Everything written for one item revision. */
    public record ItemWrite(String itemKey, String debtorKey, String sourceSystem, String company, String sourceItemKey,
                            String docType, String docNumber, String status, String currency, BigDecimal originalAmount,
                            BigDecimal openAmount, LocalDate issueDate, LocalDate dueDate, String version,
                            long revision, String payload, String lastChange, Instant sourceLastModified, Instant now) {
    }
}
