package com.encours.hub.ops;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Why a message failed, by its hub message id: the {@code message_failure} table. */
@Repository
public class MessageFailures {

    private static final RowMapper<MessageFailure> ROW = (rs, n) -> new MessageFailure(rs.getString("hub_message_id"),
            rs.getString("address"), rs.getString("reason"), rs.getString("exception_type"), rs.getInt("attempts"),
            rs.getObject("first_failure_at", OffsetDateTime.class).toInstant(),
            rs.getObject("last_failure_at", OffsetDateTime.class).toInstant());

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate ownTransaction;

    public MessageFailures(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.named = new NamedParameterJdbcTemplate(jdbc);
        // A failure is recorded while the failing route rolls back; any database work of that route rolls back
        // too, so the record gets a transaction (and connection) of its own.
        this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Inserts or updates the failure of one message. {@code attempts} null (no delivery count known) counts
     * this failure as one more attempt.
     */
    public void record(String hubMessageId, String address, String reason, String exceptionType, Integer attempts,
                       Instant at) {
        OffsetDateTime when = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        try {
            // Update first, insert if absent: portable to PostgreSQL and H2 alike.
            ownTransaction.executeWithoutResult(status -> {
                if (update(hubMessageId, address, reason, exceptionType, attempts, when) == 0) {
                    jdbc.update("insert into message_failure (hub_message_id, address, reason, exception_type,"
                                    + " attempts, first_failure_at, last_failure_at) values (?, ?, ?, ?, ?, ?, ?)",
                            hubMessageId, address, reason, exceptionType, attempts == null ? 1 : attempts, when, when);
                }
            });
        } catch (DuplicateKeyException concurrentInsert) {
            ownTransaction.executeWithoutResult(status ->
                    update(hubMessageId, address, reason, exceptionType, attempts, when));
        }
    }

    private int update(String hubMessageId, String address, String reason, String exceptionType, Integer attempts,
                       OffsetDateTime when) {
        return jdbc.update("update message_failure set address = ?, reason = ?, exception_type = ?,"
                        + " attempts = coalesce(?, attempts + 1), last_failure_at = ? where hub_message_id = ?",
                address, reason, exceptionType, attempts, when, hubMessageId);
    }

    public Optional<MessageFailure> find(String hubMessageId) {
        return jdbc.query("select * from message_failure where hub_message_id = ?", ROW, hubMessageId)
                .stream().findFirst();
    }

    public Map<String, MessageFailure> find(Collection<String> hubMessageIds) {
        if (hubMessageIds.isEmpty()) {
            return Map.of();
        }
        return named.query("select * from message_failure where hub_message_id in (:ids)",
                        Map.of("ids", hubMessageIds), ROW).stream()
                .collect(Collectors.toMap(MessageFailure::hubMessageId, Function.identity()));
    }

    public void delete(String hubMessageId) {
        jdbc.update("delete from message_failure where hub_message_id = ?", hubMessageId);
    }

    public record MessageFailure(String hubMessageId, String address, String reason, String exceptionType,
                                 int attempts, Instant firstFailureAt, Instant lastFailureAt) {
    }
}
