package com.encours.hub.ops;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Who did what to which message: the {@code audit_event} table. */
@Repository
public class AuditLog {

    public static final String RETRY = "RETRY";
    public static final String DISCARD = "DISCARD";

    private static final int DETAIL_MAX = 4000;
    private static final RowMapper<AuditEvent> ROW = (rs, n) -> new AuditEvent(rs.getLong("id"),
            rs.getObject("occurred_at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
            rs.getString("action"), rs.getString("subject"), rs.getString("detail"));

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String actor, String action, String subject, String detail) {
        jdbc.update("insert into audit_event (occurred_at, actor, action, subject, detail) values (?, ?, ?, ?, ?)",
                OffsetDateTime.now(ZoneOffset.UTC), actor, action, subject,
                detail == null || detail.length() <= DETAIL_MAX ? detail : detail.substring(0, DETAIL_MAX));
    }

    /** Newest first; {@code subject} null means every subject. */
    public Page<AuditEvent> find(String subject, int page, int size) {
        String where = subject == null ? "" : " where subject = ?";
        Object[] args = subject == null ? new Object[0] : new Object[]{subject};
        Long total = jdbc.queryForObject("select count(*) from audit_event" + where, Long.class, args);
        List<AuditEvent> items = jdbc.query("select * from audit_event" + where
                        + " order by occurred_at desc, id desc limit " + size + " offset " + (long) page * size,
                ROW, args);
        return new Page<>(items, page, size, total == null ? 0 : total);
    }

    public record AuditEvent(long id, Instant occurredAt, String actor, String action, String subject, String detail) {
    }
}
