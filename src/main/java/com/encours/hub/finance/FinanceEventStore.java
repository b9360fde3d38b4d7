package com.encours.hub.finance;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The finance events published, and what they last told of each debtor (tables of V7). */
@Repository
public class FinanceEventStore {

    private static final String COLUMNS = "event_id, event_type, hub_id, occurred_at, payload";

    private final JdbcTemplate jdbc;

    public FinanceEventStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** An event as published: its JSON exactly as sent. */
    public record StoredEvent(String eventId, String eventType, String hubId, Instant occurredAt, String payload) {
    }

    public FinanceEventRules.Published published(String debtorKey) {
        Map<String, BigDecimal> exposure = new TreeMap<>();
        jdbc.query("select currency, exposure from finance_exposure_state where debtor_key = ?",
                rs -> {
                    exposure.put(rs.getString(1), rs.getBigDecimal(2));
                }, debtorKey);
        return jdbc.query("""
                        select assessment_hash, score, rating_band, figures_hash from finance_debtor_state
                        where debtor_key = ?""",
                (rs, row) -> new FinanceEventRules.Published(rs.getString(1), rs.getObject(2, Integer.class),
                        rs.getString(3), rs.getString(4), exposure), debtorKey)
                .stream().findFirst()
                .orElse(new FinanceEventRules.Published(null, null, null, null, exposure));
    }

    /** The debtors the events have told of, by key. */
    public List<String> debtorsPublished() {
        return jdbc.queryForList("select debtor_key from finance_debtor_state order by debtor_key", String.class);
    }

    /** When the debtor's events were last worked out; empty if never. */
    public Optional<Instant> decidedAt(String debtorKey) {
        return jdbc.query("select decided_at from finance_debtor_state where debtor_key = ?",
                (rs, row) -> rs.getTimestamp(1), debtorKey).stream()
                .filter(Objects::nonNull).map(Timestamp::toInstant).findFirst();
    }

    /** @param decidedAt when the work that led to {@code published} began to read the debtor */
    public void savePublished(String debtorKey, FinanceEventRules.Published published, Instant decidedAt) {
        jdbc.update("delete from finance_debtor_state where debtor_key = ?", debtorKey);
        jdbc.update("""
                insert into finance_debtor_state (debtor_key, assessment_hash, score, rating_band, figures_hash,
                decided_at) values (?, ?, ?, ?, ?, ?)""", debtorKey, published.assessmentHash(), published.score(),
                published.ratingBand(), published.figuresHash(), Timestamp.from(decidedAt));
        jdbc.update("delete from finance_exposure_state where debtor_key = ?", debtorKey);
        published.exposure().forEach((currency, amount) -> jdbc.update(
                "insert into finance_exposure_state (debtor_key, currency, exposure) values (?, ?, ?)",
                debtorKey, currency, amount));
    }

    /** Records the event unless an event with its id is already there (a redelivered input emits it again). */
    public void insertIfAbsent(StoredEvent event, String debtorKey, String causeId) {
        jdbc.update("""
                insert into finance_event (event_id, event_type, debtor_key, hub_id, occurred_at, cause_id, payload)
                select ?, ?, ?, ?, ?, ?, ? where not exists (select 1 from finance_event where event_id = ?)""",
                event.eventId(), event.eventType(), debtorKey, event.hubId(), Timestamp.from(event.occurredAt()),
                causeId, event.payload(), event.eventId());
    }

    /** The events a debtor's input caused, in the order they were recorded. */
    public List<StoredEvent> causedBy(String causeId, String debtorKey) {
        return jdbc.query("select " + COLUMNS + " from finance_event where cause_id = ? and debtor_key = ? order by seq",
                this::row, causeId, debtorKey);
    }

    /**
     * Events in the order they were recorded, filtered; each filter may be null.
     *
     * @param since events that occurred at or after this instant
     */
    public List<StoredEvent> find(String eventType, String hubId, Instant since, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = filter(eventType, hubId, since, args);
        args.add(offset);
        args.add(limit);
        return jdbc.query("select " + COLUMNS + " from finance_event" + where
                + " order by seq offset ? rows fetch next ? rows only", this::row, args.toArray());
    }

    public long count(String eventType, String hubId, Instant since) {
        List<Object> args = new ArrayList<>();
        Long count = jdbc.queryForObject("select count(*) from finance_event" + filter(eventType, hubId, since, args),
                Long.class, args.toArray());
        return count == null ? 0 : count;
    }

    private static String filter(String eventType, String hubId, Instant since, List<Object> args) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        if (eventType != null) {
            where.append(" and event_type = ?");
            args.add(eventType);
        }
        if (hubId != null) {
            where.append(" and hub_id = ?");
            args.add(hubId);
        }
        if (since != null) {
            where.append(" and occurred_at >= ?");
            args.add(Timestamp.from(since));
        }
        return where.toString();
    }

    private StoredEvent row(ResultSet rs, int row) throws SQLException {
        return new StoredEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                rs.getString(5));
    }
}
