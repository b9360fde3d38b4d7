package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.CompanywebSimulator;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Companyweb, the sandbox run's bureau here, lowers the barometer of a debtor it monitors: the next poll of
 * its alerts finds the debtor in the ledger by its VAT number and assesses it again, without waiting for the
 * assessment's 30 days, and finance gets the drop at once, without waiting for the debtor's next item change.
 */
@TestPropertySource(properties = {
        "hub.bureau.connector=companyweb-sandbox",
        // polls are started by the test, not by the timer
        "hub.monitoring.first-run-delay=1d"})
class MonitoringIT extends HubIntegrationTest {

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(120);
    private static final String CONNECTOR = "companyweb-sandbox";

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired CompanywebSimulator companyweb;
    @Autowired MonitoringPoll monitoring;
    @Autowired LedgerRepository ledger;
    @Autowired AssessmentCache cache;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired ObjectMapper json;

    @Test
    void barometerDropNotifiedByCompanywebGivesTheDebtorANewAssessmentAndFinanceAScoreDrop() throws Exception {
        SandboxPortfolio.Company company = portfolio.companies().stream()
                .filter(c -> c.country().equals("BE") && c.providerScore() != null && c.providerScore() >= 40)
                .filter(c -> portfolio.invoices().stream().anyMatch(i -> i.customer().equals(c)))
                .findFirst().orElseThrow();
        // monitoring is on for the Companyweb sandbox connector only (Creditsafe's is off by default)
        assertThat(monitoring.monitoredConnectors()).extracting(ConnectorInstance::id).containsExactly(CONNECTOR);
        extract.run("bc-sandbox");
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);
        List<String> debtors = ledger.hubIdsWithAnyIdentifier(List.of(new DebtorIdentifier(IdentifierScheme.VAT, company.vat())));
        assertThat(debtors).hasSize(1);
        String hubId = debtors.get(0);
        CreditAssessment first = cache.find(hubId).orElseThrow().assessment();
        // the simulator's barometer is (score - 50) / 10: the first assessment has the portfolio's score
        assertThat(first.score()).isEqualTo(company.providerScore());
        assertThat(monitoring.poll(CONNECTOR)).as("the first poll only sets the watermark").isEmpty();

        companyweb.changeBarometer(company.regNo(), new BigDecimal("-4.0"));
        AtomicReference<Set<String>> concerned = new AtomicReference<>(Set.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            concerned.set(monitoring.poll(CONNECTOR));
            return !concerned.get().isEmpty();
        });

        assertThat(concerned.get()).containsExactly(hubId);
        CreditAssessment fresh = cache.find(hubId).orElseThrow().assessment();
        // (-4.0 + 5) * 10 = 10: band E
        assertThat(fresh.providerScore()).isEqualTo("-4.0");
        assertThat(fresh.score()).isEqualTo(10);
        assertThat(fresh.ratingBand()).isEqualTo("E");
        assertThat(fresh.fetchedAt()).isAfter(first.fetchedAt());
        assertThat(cache.find(hubId).orElseThrow().validUntil()).isAfter(Instant.now().plus(Duration.ofDays(29)));
        // the alert is behind the watermark now: a new poll finds nothing
        assertThat(monitoring.poll(CONNECTOR)).isEmpty();

        // finance hears of it at once, with no change from the ERP: the new assessment and the drop
        await().atMost(FLOW_TIMEOUT).untilAsserted(() -> assertThat(finance.deliveries("score.dropped"))
                .filteredOn(delivery -> delivery.body().contains(hubId)).singleElement().satisfies(drop -> {
                    JsonNode event = json.readTree(drop.body());
                    assertThat(event.at("/debtor/hubId").asText()).isEqualTo(hubId);
                    assertThat(event.at("/data/score").asInt()).isEqualTo(10);
                    assertThat(event.at("/data/previousScore").asInt()).isEqualTo(company.providerScore());
                    assertThat(event.at("/data/ratingBand").asText()).isEqualTo("E");
                }));
        assertThat(finance.deliveries("debtor.assessed")).filteredOn(delivery -> delivery.body().contains(hubId))
                .hasSize(2);
    }
}
