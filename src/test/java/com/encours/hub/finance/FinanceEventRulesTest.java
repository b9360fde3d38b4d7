package com.encours.hub.finance;

import com.encours.hub.core.exposure.CreditLimit;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.FigureSettings;
import com.encours.hub.core.exposure.ItemFact;
import com.encours.hub.core.exposure.LimitKind;
import com.encours.hub.core.exposure.ReceivableFigures;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.IdentifierScheme;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which events a debtor's assessment and figures call for, and that each one honours its published schema
 * when written as the hub writes JSON (plain BigDecimals, ISO dates, no nulls).
 */
class FinanceEventRulesTest {

    static final Currency EUR = Currency.getInstance("EUR");
    static final LocalDate TODAY = LocalDate.of(2026, 12, 3);
    static final Instant RECORDED = Instant.parse("2026-12-03T08:00:00Z");
    static final FinanceEvent.DebtorRef DEBTOR = new FinanceEvent.DebtorRef("0b6a3c9e-4d1f-4a8e-9a57-3c2d1e0f9b11",
            "bc:CRONUS:C10000", "C10000", "Adatum NV", "BE",
            List.of(new DebtorIdentifier(IdentifierScheme.VAT, "BE0123456749")));
    static final List<CreditLimit> LIMITS = List.of(new CreditLimit(LimitKind.INTERNAL, new BigDecimal("10000.00"), EUR),
            new CreditLimit(LimitKind.BUREAU, new BigDecimal("8000"), EUR));

    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    final FinanceEventRules rules = new FinanceEventRules(10);

    @Test
    void aFirstAssessmentAndAFirstExposureAboveTheBureauLimitGiveThreeEventsThatHonourTheirSchemas() throws IOException {
        FinanceEventRules.Outcome outcome = decide(assessment(70, "B"), openInvoice("9000.00"),
                FinanceEventRules.Published.NOTHING, "chg-1");

        assertThat(outcome.events()).extracting(FinanceEvent::eventType).containsExactly(
                FinanceEvent.DEBTOR_ASSESSED, FinanceEvent.EXPOSURE_CHANGED, FinanceEvent.LIMIT_BREACHED);
        // 9000 owed: above the bureau's 8000 (excess 1000), within the internal 10000
        FinanceEvent.LimitBreached breach = (FinanceEvent.LimitBreached) outcome.events().get(2).data();
        assertThat(breach.limitKind()).isEqualTo(LimitKind.BUREAU);
        assertThat(breach.previousExposure()).isEqualByComparingTo("0");
        assertThat(breach.excess()).isEqualByComparingTo("1000");
        assertThat(outcome.published().exposure()).containsEntry("EUR", new BigDecimal("9000.00"));
        for (FinanceEvent event : outcome.events()) {
            assertHonoursSchema(event);
        }
        JsonNode exposure = JSON.valueToTree(outcome.events().get(1));
        // due 2026-12-01, two days late on 2026-12-03: all of it overdue, in the 1-30 bucket
        assertThat(exposure.at("/data/figures/0/overdue").decimalValue()).isEqualByComparingTo("9000");
        assertThat(exposure.at("/data/figures/0/ageing/days1To30").decimalValue()).isEqualByComparingTo("9000");
        assertThat(exposure.at("/data/figures/0/overdueRatio").decimalValue()).isEqualByComparingTo("1");
        assertThat(exposure.at("/data/headroom/0/headroom").decimalValue()).isEqualByComparingTo("1000");
        assertThat(exposure.at("/data/headroom/1/headroom").decimalValue()).isEqualByComparingTo("-1000");
    }

    @Test
    void aScoreFallingByTheConfiguredPointsIsAScoreDropAfterItsAssessment() throws IOException {
        FinanceEventRules.Published before = decide(assessment(70, "B"), openInvoice("500.00"),
                FinanceEventRules.Published.NOTHING, "chg-1").published();

        FinanceEventRules.Outcome outcome = decide(assessment(60, "B"), openInvoice("500.00"), before, "chg-2");

        assertThat(outcome.events()).extracting(FinanceEvent::eventType)
                .containsExactly(FinanceEvent.DEBTOR_ASSESSED, FinanceEvent.SCORE_DROPPED);
        FinanceEvent.ScoreDropped drop = (FinanceEvent.ScoreDropped) outcome.events().get(1).data();
        assertThat(drop.drop()).isEqualTo(10);
        assertThat(drop.previousScore()).isEqualTo(70);
        assertHonoursSchema(outcome.events().get(1));
    }

    @Test
    void aSmallerFallIsOnlyANewAssessmentButAWorseBandIsADropWhateverThePoints() {
        FinanceEventRules.Published before = decide(assessment(70, "B"), openInvoice("500.00"),
                FinanceEventRules.Published.NOTHING, "chg-1").published();

        assertThat(decide(assessment(61, "B"), openInvoice("500.00"), before, "chg-2").events())
                .extracting(FinanceEvent::eventType).containsExactly(FinanceEvent.DEBTOR_ASSESSED);
        assertThat(decide(assessment(69, "C"), openInvoice("500.00"), before, "chg-2").events())
                .extracting(FinanceEvent::eventType)
                .containsExactly(FinanceEvent.DEBTOR_ASSESSED, FinanceEvent.SCORE_DROPPED);
    }

    @Test
    void nothingChangedIsNoEventAndARefreshThatSaysTheSameIsNoNews() {
        FinanceEventRules.Published before = decide(assessment(70, "B"), openInvoice("500.00"),
                FinanceEventRules.Published.NOTHING, "chg-1").published();
        CreditAssessment refreshed = new CreditAssessment("creditsafe", "BE-X", "70", 70, "B", "Low risk",
                new BigDecimal("8000"), EUR, null, Instant.parse("2026-12-03T09:00:00Z"),
                Instant.parse("2027-01-02T09:00:00Z"));

        assertThat(decide(refreshed, openInvoice("500.00"), before, "chg-2").events()).isEmpty();
    }

    @Test
    void aLimitIsBreachedWhenCrossedUpwardOnlyAndAgainAfterComingBackWithin() {
        FinanceEventRules.Published within = decide(assessment(70, "B"), openInvoice("7000.00"),
                FinanceEventRules.Published.NOTHING, "chg-1").published();
        FinanceEventRules.Published over = decide(assessment(70, "B"), openInvoice("8000.01"), within, "chg-2")
                .published();

        assertThat(decide(assessment(70, "B"), openInvoice("8500.00"), over, "chg-3").events())
                .as("still over: no new breach").extracting(FinanceEvent::eventType)
                .containsExactly(FinanceEvent.EXPOSURE_CHANGED);
        FinanceEventRules.Published backWithin = decide(assessment(70, "B"), openInvoice("8000.00"), over, "chg-4")
                .published();
        assertThat(decide(assessment(70, "B"), openInvoice("9000.00"), backWithin, "chg-5").events())
                .extracting(FinanceEvent::eventType)
                .containsExactly(FinanceEvent.EXPOSURE_CHANGED, FinanceEvent.LIMIT_BREACHED);
    }

    @Test
    void theSameInputGivesTheSameEventIdsAndAnotherInputOthers() {
        List<FinanceEvent> first = decide(assessment(70, "B"), openInvoice("9000.00"),
                FinanceEventRules.Published.NOTHING, "chg-1").events();
        List<FinanceEvent> again = decide(assessment(70, "B"), openInvoice("9000.00"),
                FinanceEventRules.Published.NOTHING, "chg-1").events();
        List<FinanceEvent> other = decide(assessment(70, "B"), openInvoice("9000.00"),
                FinanceEventRules.Published.NOTHING, "chg-2").events();

        assertThat(again).extracting(FinanceEvent::eventId).isEqualTo(first.stream().map(FinanceEvent::eventId).toList());
        assertThat(other).extracting(FinanceEvent::eventId).doesNotContainAnyElementsOf(
                first.stream().map(FinanceEvent::eventId).toList());
    }

    private FinanceEventRules.Outcome decide(CreditAssessment assessment, List<CurrencyFigures> figures,
                                             FinanceEventRules.Published previous, String causeId) {
        return rules.decide(DEBTOR, assessment, TODAY, figures, LIMITS, previous, causeId, RECORDED);
    }

    static CreditAssessment assessment(int score, String band) {
        return new CreditAssessment("creditsafe", "BE-X", String.valueOf(score), score, band, "Low risk",
                new BigDecimal("8000"), EUR, null, Instant.parse("2026-12-01T09:00:00Z"),
                Instant.parse("2026-12-31T09:00:00Z"));
    }

    /** One invoice of this amount issued 2026-11-01, due 2026-12-01, all of it open. */
    static List<CurrencyFigures> openInvoice(String amount) {
        BigDecimal open = new BigDecimal(amount);
        return ReceivableFigures.of(List.of(new ItemFact(EUR, DocType.INVOICE, open, open, LocalDate.of(2026, 11, 1),
                LocalDate.of(2026, 12, 1), null)), FigureSettings.standard(TODAY));
    }

    static void assertHonoursSchema(FinanceEvent event) throws IOException {
        JsonSchema schema;
        try (InputStream in = new ClassPathResource("schemas/" + event.eventType() + ".v1.schema.json").getInputStream()) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        String written = JSON.writeValueAsString(event);
        assertThat(schema.validate(JSON.readTree(written))).as(written).isEmpty();
    }
}
