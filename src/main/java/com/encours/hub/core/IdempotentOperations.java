package com.encours.hub.core;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Operations already done towards a partner (a webhook delivered, a value written back). A redelivered
 * message checks here first, so a partner is not called twice for the same thing.
 * <p>
 * A record spares the partner a repeat; it is not what makes the operation safe. On PostgreSQL its commit does
 * not wait for the disk ({@code synchronous_commit off} for that one transaction: the webhook flow waited on one
 * fsync per event, found by profiling the throughput benchmark); a database crash may forget the last records,
 * and those operations are done again, never lost. Keep to operations a partner takes twice without harm: an
 * event with its Idempotency-Key, a value set again.
 */
@Repository
public class IdempotentOperations {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final boolean postgres;

    public IdempotentOperations(JdbcTemplate jdbc, Clock clock, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactionManager);
        this.postgres = Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) connection ->
                connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")));
    }

    public boolean isDone(String scope, String key) {
        Integer count = jdbc.queryForObject("select count(*) from idempotent_operation where scope = ? and op_key = ?",
                Integer.class, scope, key);
        return count != null && count > 0;
    }

    /** Which of these keys are done already, in one query. */
    public Set<String> doneAmong(String scope, Collection<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        String placeholders = String.join(",", Collections.nCopies(keys.size(), "?"));
        List<Object> args = new ArrayList<>();
        args.add(scope);
        args.addAll(keys);
        return new HashSet<>(jdbc.queryForList("select op_key from idempotent_operation where scope = ? and op_key in ("
                + placeholders + ")", String.class, args.toArray()));
    }

    /** Records the operation as done; returns false if it already was (another consumer got there first). */
    public boolean markDone(String scope, String key) {
        try {
            transactions.executeWithoutResult(status -> {
                if (postgres) {
                    jdbc.execute("set local synchronous_commit = off");
                }
                jdbc.update("insert into idempotent_operation (scope, op_key, created_at) values (?, ?, ?)", scope,
                        key, Timestamp.from(clock.instant()));
            });
            return true;
        } catch (DuplicateKeyException alreadyDone) {
            return false;
        }
    }
}
