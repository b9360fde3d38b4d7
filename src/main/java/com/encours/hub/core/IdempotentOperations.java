package com.encours.hub.core;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Operations already done towards a partner (a webhook delivered, a claim filed). A redelivered
 * message checks here first, so a partner is never called twice for the same thing.
 */
@Repository
public class IdempotentOperations {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public IdempotentOperations(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
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
            jdbc.update("insert into idempotent_operation (scope, op_key, created_at) values (?, ?, ?)", scope, key,
                    Timestamp.from(clock.instant()));
            return true;
        } catch (DuplicateKeyException alreadyDone) {
            return false;
        }
    }
}
