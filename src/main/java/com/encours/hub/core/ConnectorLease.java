package com.encours.hub.core;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One hub instance at a time runs the scheduled pulls of a connector: with several replicas on one
 * database, each would otherwise read the same ERP pages on every tick. A replica holds a connector's
 * lease until it expires; it renews it while it works, and a replica that dies leaves it to expire, after
 * which the next one to ask takes over. Replicas' clocks must agree to well within a lease (NTP).
 */
@Repository
public class ConnectorLease {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String holder;

    public ConnectorLease(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.holder = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    }

    /** This instance, as the lease names it. */
    public String holder() {
        return holder;
    }

    /** Takes or renews the lease for {@code duration} from now; false when another live instance holds it. */
    public boolean acquire(String connectorId, Duration duration) {
        Instant now = clock.instant();
        Timestamp until = Timestamp.from(now.plus(duration));
        int renewed = jdbc.update("update connector_lease set holder = ?, expires_at = ? "
                        + "where connector_id = ? and (holder = ? or expires_at < ?)",
                holder, until, connectorId, holder, Timestamp.from(now));
        if (renewed == 1) {
            return true;
        }
        try {
            jdbc.update("insert into connector_lease (connector_id, holder, expires_at) values (?, ?, ?)",
                    connectorId, holder, until);
            return true;
        } catch (DuplicateKeyException heldByAnother) {
            return false;
        }
    }
}
