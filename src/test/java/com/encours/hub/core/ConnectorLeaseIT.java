package com.encours.hub.core;

import com.encours.hub.support.MutableClock;
import com.encours.hub.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Two hub instances on one PostgreSQL database: one runs a connector's pulls until its lease lapses. */
class ConnectorLeaseIT {

    private static JdbcTemplate jdbc;

    @BeforeAll
    static void schema() {
        String schema = "hub_lease_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.jdbcUrl(schema), TestDatabase.user(), "");
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
    }

    @Test
    void oneInstanceHoldsTheLeaseUntilItLapsesThenTheOtherTakesOver() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
        ConnectorLease first = new ConnectorLease(jdbc, clock);
        ConnectorLease second = new ConnectorLease(jdbc, clock);
        Duration lease = Duration.ofMinutes(2);

        assertThat(first.acquire("bc-1", lease)).isTrue();
        assertThat(second.acquire("bc-1", lease)).as("held by the first").isFalse();
        assertThat(second.acquire("sap-1", lease)).as("another connector is free").isTrue();

        clock.advance(Duration.ofSeconds(90));
        assertThat(first.acquire("bc-1", lease)).as("the holder renews").isTrue();
        clock.advance(Duration.ofSeconds(90));
        assertThat(second.acquire("bc-1", lease)).as("renewed 90 s ago for 2 min: still held").isFalse();

        clock.advance(Duration.ofSeconds(31)); // the first stopped renewing: it died
        assertThat(second.acquire("bc-1", lease)).as("lapsed: taken over").isTrue();
        assertThat(first.acquire("bc-1", lease)).as("the first, back, finds it taken").isFalse();
        assertThat(jdbc.queryForObject("select holder from connector_lease where connector_id = 'bc-1'", String.class))
                .isEqualTo(second.holder());
    }
}
