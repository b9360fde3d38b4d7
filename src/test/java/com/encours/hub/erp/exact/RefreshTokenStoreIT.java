package com.encours.hub.erp.exact;

import com.encours.hub.support.MutableClock;
import com.encours.hub.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two hub instances on one PostgreSQL database renewing the same connector's rotating refresh token: the
 * second waits on the row lock while the first calls the partner, then takes the tokens the first stored.
 */
class RefreshTokenStoreIT {

    private static final String SEED = "refresh-token-from-the-person-who-authorised";
    private static JdbcTemplate jdbc;
    private static RefreshTokenStore firstInstance;
    private static RefreshTokenStore secondInstance;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));

    @BeforeAll
    static void schema() {
        String schema = "hub_token_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.jdbcUrl(schema), TestDatabase.user(), "");
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        firstInstance = new RefreshTokenStore(jdbc, new JdbcTransactionManager(dataSource), CLOCK);
        secondInstance = new RefreshTokenStore(jdbc, new JdbcTransactionManager(dataSource), CLOCK);
    }

    @Test
    void secondInstanceWaitsForTheFirstRenewalAndUsesItsTokens() throws Exception {
        String connector = "exact-" + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch firstIsCallingThePartner = new CountDownLatch(1);
        CountDownLatch partnerAnswers = new CountDownLatch(1);
        AtomicInteger refreshes = new AtomicInteger();
        Instant expiry = CLOCK.instant().plus(Duration.ofMinutes(10));

        CompletableFuture<RefreshTokenStore.Tokens> first = CompletableFuture.supplyAsync(() ->
                firstInstance.renew(connector, SEED, stored -> {
                    firstIsCallingThePartner.countDown();
                    awaitLatch(partnerAnswers);
                    refreshes.incrementAndGet();
                    return new RefreshTokenStore.Tokens("rotated-1", "access-1", expiry);
                }));
        assertThat(firstIsCallingThePartner.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<RefreshTokenStore.Tokens> second = CompletableFuture.supplyAsync(() ->
                secondInstance.renew(connector, SEED, stored -> {
                    if (stored.accessUsableUntil(CLOCK.instant(), null).isPresent()) {
                        return stored;
                    }
                    refreshes.incrementAndGet();
                    return new RefreshTokenStore.Tokens("rotated-by-second", "access-2", expiry);
                }));
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionsWaitingForALock() >= 1);
        assertThat(second).as("held at the row lock while the first talks to the partner").isNotDone();

        partnerAnswers.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).refreshToken()).isEqualTo("rotated-1");
        assertThat(second.get(10, TimeUnit.SECONDS)).as("the first instance's tokens, read after its commit")
                .isEqualTo(new RefreshTokenStore.Tokens("rotated-1", "access-1", expiry));
        assertThat(refreshes).as("one call to the partner between the two instances").hasValue(1);
        assertThat(firstInstance.current(connector).orElseThrow().refreshToken()).isEqualTo("rotated-1");
    }

    @Test
    void failedRenewalChangesNothingAndANewConfiguredTokenReplacesTheStoredOne() {
        String connector = "exact-" + UUID.randomUUID().toString().substring(0, 8);
        Instant expiry = CLOCK.instant().plus(Duration.ofMinutes(10));
        firstInstance.renew(connector, SEED, stored -> new RefreshTokenStore.Tokens("rotated-1", "access-1", expiry));

        assertThatThrownBy(() -> firstInstance.renew(connector, SEED, stored -> {
            throw new IllegalStateException("the partner refused");
        })).hasMessage("the partner refused");
        assertThat(firstInstance.current(connector).orElseThrow().refreshToken()).isEqualTo("rotated-1");

        RefreshTokenStore.Tokens unchanged = firstInstance.renew(connector, SEED, stored -> stored);
        assertThat(unchanged.refreshToken()).as("the configured token was used already: the stored one stays")
                .isEqualTo("rotated-1");
        RefreshTokenStore.Tokens reauthorised = firstInstance.renew(connector, "authorised-again", stored -> stored);
        assertThat(reauthorised).as("another configured token: a person authorised the hub again")
                .isEqualTo(new RefreshTokenStore.Tokens("authorised-again", null, null));
    }

    private static int sessionsWaitingForALock() {
        Integer waiting = jdbc.queryForObject("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                + "and query like '%partner_token%for update%'", Integer.class);
        return waiting == null ? 0 : waiting;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the partner answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
