package com.encours.hub.finance;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a debtor's refreshes turn into events, on the ledger's tables (H2 in PostgreSQL mode, migrated by Flyway):
 * refreshes asked for before the last decision coalesce into it, a redelivered refresh gets its events back,
 * and a new day ages the items without any change from the ERP.
 */
class DebtorFinanceEventsTest {

    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static final Instant MORNING = Instant.parse("2026-12-03T08:00:00Z");
    private static final Debtor DEBTOR = new Debtor("hub-1", "erp", "1000", "D-1", "Debtor One", "BE", List.of(),
            null, null, null, null, null, new BigDecimal("1000.00"), Currency.getInstance("EUR"), false, null);

    private final MutableClock clock = new MutableClock(MORNING);
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private JdbcTemplate jdbc;
    private DebtorFinanceEvents events;

    @AfterAll
    static void closeValidation() {
        VALIDATION.close();
    }

    @BeforeEach
    void ledger() {
        DriverManagerDataSource database = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "hub", "");
        Flyway.configure().dataSource(database).load().migrate();
        jdbc = new JdbcTemplate(database);
        CanonicalJson json = new CanonicalJson(mapper, VALIDATION.getValidator());
        events = new DebtorFinanceEvents(new DebtorFigures(new LedgerRepository(jdbc), json),
                new FinanceEventStore(jdbc), json, clock, 10);
    }

    @Test
    void refreshesAskedBeforeTheLastDecisionFindItMadeAndARedeliveredOneGetsItsEventsBack() throws IOException {
        openInvoice("INV-1", "600.00", LocalDate.parse("2026-12-31"));
        assertThat(types(events.eventsOf(DEBTOR, null, "ref-1", clock.instant()))).containsExactly("exposure.changed");

        // a second sync batch lands while the refreshes of the first still wait in the queue
        openInvoice("INV-2", "700.00", LocalDate.parse("2026-12-31"));
        clock.advance(Duration.ofSeconds(1));
        Instant secondBatch = clock.instant();
        clock.advance(Duration.ofSeconds(2));
        List<FinanceEventStore.StoredEvent> latest = events.eventsOf(DEBTOR, null, "ref-2", secondBatch);
        assertThat(types(latest)).containsExactly("exposure.changed", "limit.breached");
        assertThat(open(latest.get(0))).isEqualByComparingTo("1300.00");
        assertThat(mapper.readTree(latest.get(1).payload()).at("/data/excess").decimalValue()).isEqualByComparingTo("300.00");

        // the first batch's refresh comes after: the decision of ref-2 saw its items
        assertThat(events.eventsOf(DEBTOR, null, "ref-1b", secondBatch.minusMillis(500))).isEmpty();
        // ref-2 redelivered after its broker transaction rolled back: the same events, by id
        assertThat(events.eventsOf(DEBTOR, null, "ref-2", secondBatch)).extracting(FinanceEventStore.StoredEvent::eventId)
                .containsExactlyElementsOf(latest.stream().map(FinanceEventStore.StoredEvent::eventId).toList());
        assertThat(jdbc.queryForObject("select count(*) from finance_event", Integer.class)).isEqualTo(3);
    }

    @Test
    void aNewDayAgesTheItemsWithoutAnyChangeFromTheErp() throws IOException {
        openInvoice("INV-1", "600.00", LocalDate.parse("2026-12-10"));
        List<FinanceEventStore.StoredEvent> today = events.eventsOf(DEBTOR, null, "ageing:2026-12-03", clock.instant());
        assertThat(overdue(today.get(0))).isEqualByComparingTo("0");

        clock.advance(Duration.ofHours(1));
        assertThat(events.eventsOf(DEBTOR, null, "ageing:2026-12-03:again", clock.instant()))
                .as("the same day, nothing changed").isEmpty();

        clock.advance(Duration.ofDays(11));
        List<FinanceEventStore.StoredEvent> aged = events.eventsOf(DEBTOR, null, "ageing:2026-12-14", clock.instant());
        assertThat(types(aged)).containsExactly("exposure.changed");
        assertThat(overdue(aged.get(0))).isEqualByComparingTo("600.00");
        assertThat(mapper.readTree(aged.get(0).payload()).at("/data/figures/0/ageing/days1To30").decimalValue())
                .isEqualByComparingTo("600.00");
        assertThat(mapper.readTree(aged.get(0).payload()).at("/data/asOf").asText()).isEqualTo("2026-12-14");
    }

    private static List<String> types(List<FinanceEventStore.StoredEvent> stored) {
        return stored.stream().map(FinanceEventStore.StoredEvent::eventType).toList();
    }

    private BigDecimal open(FinanceEventStore.StoredEvent exposureChanged) throws IOException {
        return mapper.readTree(exposureChanged.payload()).at("/data/figures/0/open").decimalValue();
    }

    private BigDecimal overdue(FinanceEventStore.StoredEvent exposureChanged) throws IOException {
        return mapper.readTree(exposureChanged.payload()).at("/data/figures/0/overdue").decimalValue();
    }

    private void openInvoice(String number, String amount, LocalDate dueDate) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update("""
                insert into open_item (item_key, debtor_key, source_system, company, source_item_key, doc_type,
                doc_number, status, currency, original_amount, open_amount, issue_date, due_date, version, revision,
                payload, last_change, created_at, updated_at)
                values (?, ?, 'erp', '1000', ?, 'INVOICE', ?, 'OPEN', 'EUR', ?, ?, ?, ?, 'v1', 1, '{}', '{}', ?, ?)""",
                DEBTOR.debtorKey() + ":" + number, DEBTOR.debtorKey(), number, number, new BigDecimal(amount),
                new BigDecimal(amount), dueDate.minusDays(30), dueDate, now, now);
    }
}
