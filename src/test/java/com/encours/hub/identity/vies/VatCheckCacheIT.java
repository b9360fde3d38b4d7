package com.encours.hub.identity.vies;

import com.encours.hub.core.model.VatCheck;
import com.encours.hub.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code vat_check} table on PostgreSQL, migrated by Flyway as in production (the contract test runs it
 * on H2): answers read back as stored, a newer answer replaces the older, and hub instances storing the
 * same new number at once all succeed with one row left.
 */
class VatCheckCacheIT {

    private static final Instant CHECKED_AT = Instant.parse("2026-11-24T09:30:00.123Z");
    private static JdbcTemplate jdbc;
    private static VatCheckCache cache;

    @BeforeAll
    static void schema() {
        String schema = "hub_vat_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.jdbcUrl(schema), TestDatabase.user(), "");
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        cache = new VatCheckCache(jdbc);
    }

    @Test
    void answerIsReadBackAsStored() {
        VatCheck valid = new VatCheck("NL", "854265259B01", true, "GITHUB B.V.", "VIJZELSTRAAT 00068\n1017HL AMSTERDAM",
                LocalDate.of(2026, 11, 24), "WAPIAAAAWVymNggi", CHECKED_AT);
        Instant validUntil = CHECKED_AT.plusSeconds(86_400);

        cache.store("vies-pg", valid, "BE0417497106", validUntil);

        assertThat(cache.find("vies-pg", "NL", "854265259B01"))
                .contains(new VatCheckCache.Cached(valid, "BE0417497106", validUntil));
        assertThat(cache.find("another-vies", "NL", "854265259B01")).as("kept per connector").isEmpty();
    }

    @Test
    void newerAnswerReplacesTheOlder() {
        VatCheck invalid = new VatCheck("FR", "40303265045", false, null, null, LocalDate.of(2026, 11, 24), null,
                CHECKED_AT);
        VatCheck nowValid = new VatCheck("FR", "40303265045", true, "ACME SAS", null, LocalDate.of(2026, 11, 25), null,
                CHECKED_AT.plusSeconds(90_000));
        cache.store("vies-pg", invalid, null, CHECKED_AT.plusSeconds(3_600));

        cache.store("vies-pg", nowValid, null, CHECKED_AT.plusSeconds(176_400));

        assertThat(cache.find("vies-pg", "FR", "40303265045"))
                .contains(new VatCheckCache.Cached(nowValid, null, CHECKED_AT.plusSeconds(176_400)));
    }

    @Test
    void instancesStoringTheSameNewNumberAtOnceAllSucceed() throws Exception {
        String number = "0417497106";
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> instances = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            VatCheck check = new VatCheck("BE", number, true, "INSTANCE " + i, null, LocalDate.of(2026, 11, 24), null,
                    CHECKED_AT);
            VatCheckCache instance = new VatCheckCache(jdbc);
            instances.add(CompletableFuture.runAsync(() -> {
                await(start);
                instance.store("vies-race", check, null, CHECKED_AT.plusSeconds(86_400));
            }));
        }

        start.countDown();

        CompletableFuture.allOf(instances.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(jdbc.queryForObject("select count(*) from vat_check where connector_id = 'vies-race' "
                + "and vat_number = ?", Integer.class, number)).isEqualTo(1);
        assertThat(cache.find("vies-race", "BE", number).orElseThrow().check().name()).startsWith("INSTANCE ");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
