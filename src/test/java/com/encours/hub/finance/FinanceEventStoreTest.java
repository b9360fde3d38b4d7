package com.encours.hub.finance;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The event store on H2 in PostgreSQL mode, migrated by Flyway as the hub does (PostgreSQL: FinanceDeliveryIT). */
class FinanceEventStoreTest {

    static final Instant MORNING = Instant.parse("2026-12-03T08:00:00Z");

    FinanceEventStore store;

    @BeforeEach
    void migrate() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:finance-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "hub", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        store = new FinanceEventStore(new JdbcTemplate(dataSource));
    }

    @Test
    void whatWasPublishedOfADebtorIsReadBackAndReplaced() {
        assertThat(store.published("bc:C:1")).isEqualTo(FinanceEventRules.Published.NOTHING);
        assertThat(store.decidedAt("bc:C:1")).isEmpty();
        assertThat(store.debtorsPublished()).isEmpty();

        store.savePublished("bc:C:1", new FinanceEventRules.Published("a1", 70, "B", "f1",
                Map.of("EUR", new BigDecimal("9000.0000"), "USD", new BigDecimal("10.5000"))), MORNING);
        store.savePublished("bc:C:1", new FinanceEventRules.Published("a1", 70, "B", "f2",
                Map.of("EUR", new BigDecimal("8000.0000"))), MORNING.plusSeconds(5));

        FinanceEventRules.Published read = store.published("bc:C:1");
        assertThat(read.figuresHash()).isEqualTo("f2");
        assertThat(read.score()).isEqualTo(70);
        assertThat(read.exposure()).containsOnlyKeys("EUR");
        assertThat(read.exposure().get("EUR")).isEqualByComparingTo("8000");
        assertThat(store.decidedAt("bc:C:1")).contains(MORNING.plusSeconds(5));
        assertThat(store.debtorsPublished()).containsExactly("bc:C:1");
    }

    @Test
    void anEventIsRecordedOnceAndFoundByCauseTypeDebtorAndTime() {
        store.insertIfAbsent(event("evt-1", FinanceEvent.DEBTOR_ASSESSED, "hub-1", MORNING), "bc:C:1", "chg-a");
        store.insertIfAbsent(event("evt-2", FinanceEvent.EXPOSURE_CHANGED, "hub-1", MORNING), "bc:C:1", "chg-a");
        store.insertIfAbsent(event("evt-1", FinanceEvent.DEBTOR_ASSESSED, "hub-1", MORNING), "bc:C:1", "chg-a");
        store.insertIfAbsent(event("evt-3", FinanceEvent.EXPOSURE_CHANGED, "hub-2", MORNING.plusSeconds(3600)),
                "bc:C:2", "chg-b");

        assertThat(store.causedBy("chg-a", "bc:C:1")).extracting(FinanceEventStore.StoredEvent::eventId)
                .containsExactly("evt-1", "evt-2");
        assertThat(store.find(FinanceEvent.EXPOSURE_CHANGED, null, null, 0, 10))
                .extracting(FinanceEventStore.StoredEvent::eventId).containsExactly("evt-2", "evt-3");
        assertThat(store.find(null, "hub-1", null, 1, 1)).extracting(FinanceEventStore.StoredEvent::eventId)
                .containsExactly("evt-2");
        assertThat(store.count(null, null, MORNING.plusSeconds(1))).isEqualTo(1);
        assertThat(store.count(null, null, null)).isEqualTo(3);
    }

    private static FinanceEventStore.StoredEvent event(String id, String type, String hubId, Instant at) {
        return new FinanceEventStore.StoredEvent(id, type, hubId, at, "{\"eventId\":\"" + id + "\"}");
    }
}
