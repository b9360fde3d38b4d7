package com.encours.hub.core;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** What the hub remembers of each connector between runs: watermarks, last success, last error. */
@Repository
public class ConnectorState {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public ConnectorState(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
    }

    public record Status(String connectorId, Instant lastSuccessAt, Instant lastErrorAt, String lastError) {
    }

    public Map<String, String> watermarks(String connectorId) {
        Map<String, String> marks = new HashMap<>();
        jdbc.query("select stream, watermark from connector_watermark where connector_id = ?",
                rs -> {
                    marks.put(rs.getString(1), rs.getString(2));
                }, connectorId);
        return marks;
    }

    /** Saves all watermarks of a run at once: a half-saved set would skip records on the next run. */
    public void saveWatermarks(String connectorId, Map<String, String> marks) {
        Timestamp now = Timestamp.from(clock.instant());
        transactions.executeWithoutResult(status -> marks.forEach((stream, mark) -> {
            int updated = jdbc.update("update connector_watermark set watermark = ?, updated_at = ? "
                    + "where connector_id = ? and stream = ?", mark, now, connectorId, stream);
            if (updated == 0) {
                jdbc.update("insert into connector_watermark (connector_id, stream, watermark, updated_at) "
                        + "values (?, ?, ?, ?)", connectorId, stream, mark, now);
            }
        }));
    }

    public void recordSuccess(String connectorId) {
        upsertStatus(connectorId, "last_success_at = ?", "last_success_at", Timestamp.from(clock.instant()));
    }

    public void recordError(String connectorId, String error) {
        String trimmed = error == null ? "unknown error" : error.substring(0, Math.min(error.length(), 2000));
        upsertStatus(connectorId, "last_error_at = ?, last_error = ?", "last_error_at, last_error",
                Timestamp.from(clock.instant()), trimmed);
    }

    public Optional<Status> status(String connectorId) {
        return jdbc.query("select connector_id, last_success_at, last_error_at, last_error from connector_status "
                        + "where connector_id = ?",
                (rs, n) -> new Status(rs.getString(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)),
                        rs.getString(4)), connectorId).stream().findFirst();
    }

    /** Update, else insert; concurrent consumers may race to the first insert, then the loser updates. */
    private void upsertStatus(String connectorId, String assignments, String columns, Object... values) {
        Object[] updateArgs = new Object[values.length + 1];
        System.arraycopy(values, 0, updateArgs, 0, values.length);
        updateArgs[values.length] = connectorId;
        String update = "update connector_status set " + assignments + " where connector_id = ?";
        if (jdbc.update(update, updateArgs) > 0) {
            return;
        }
        Object[] insertArgs = new Object[values.length + 1];
        insertArgs[0] = connectorId;
        System.arraycopy(values, 0, insertArgs, 1, values.length);
        try {
            jdbc.update("insert into connector_status (connector_id, " + columns + ") values (?" + ", ?".repeat(values.length)
                    + ")", insertArgs);
        } catch (DuplicateKeyException raced) {
            jdbc.update(update, updateArgs);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
