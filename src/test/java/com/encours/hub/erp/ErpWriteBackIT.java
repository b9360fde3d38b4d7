package com.encours.hub.erp;

import com.encours.hub.bureau.AssessmentCache;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.sandbox.BusinessCentralSimulator;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write-back switched on for the sandbox's Business Central: after a sync, every customer whose bureau gives a
 * limit in euros has it as its credit limit in Business Central, every customer that went over a limit is
 * blocked for shipping, each write is in the ops audit log, and a second sync writes nothing again.
 */
@TestPropertySource(properties = {
        "hub.connectors.bc-sandbox.properties.writeBackCreditLimit=true",
        "hub.connectors.bc-sandbox.properties.writeBackBlockOnBreach=true"})
class ErpWriteBackIT extends HubIntegrationTest {

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(120);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired BusinessCentralSimulator businessCentral;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired AssessmentCache assessments;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired JdbcTemplate jdbc;

    @Test
    void bureauLimitsAndBreachesAreWrittenBackToBusinessCentralOnce() {
        assertThat(extract.run("bc-sandbox")).isTrue();
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);

        Set<String> breached = finance.deliveries("limit.breached").stream().map(d -> readJson(d.body()))
                .map(event -> event.at("/debtor/debtorRef").asText()).collect(Collectors.toSet());
        assertThat(breached).isNotEmpty();
        Set<String> debtors = portfolio.invoices().stream().map(i -> i.customer().number()).collect(Collectors.toSet());
        int limitsWritten = 0;
        for (SandboxPortfolio.Company company : portfolio.companies()) {
            Optional<BigDecimal> euroLimit = euroLimitOf(company);
            boolean limitWritten = debtors.contains(company.number()) && euroLimit.isPresent()
                    && euroLimit.get().compareTo(company.internalLimit()) != 0;
            BigDecimal expected = limitWritten ? euroLimit.get() : company.internalLimit();
            assertThat(businessCentral.creditLimitOf(company.number())).as(company.number())
                    .isEqualByComparingTo(expected);
            assertThat(businessCentral.blockedOf(company.number())).as(company.number())
                    .isEqualTo(breached.contains(company.number()) ? "Ship" : " ");
            limitsWritten += limitWritten ? 1 : 0;
        }
        assertThat(limitsWritten).isPositive();
        int writes = businessCentral.customerWrites();
        assertThat(writes).as("one write per limit, one per blocked customer").isEqualTo(limitsWritten + breached.size());
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'ERP_WRITE_BACK'", Integer.class))
                .as("every decision audited").isGreaterThanOrEqualTo(writes);

        SandboxPortfolio.Company blocked = portfolio.companies().stream()
                .filter(c -> breached.contains(c.number())).findFirst().orElseThrow();
        JsonNode audit = readJson(restClient(OPS).get().uri("/api/ops/audit?subject=bc-sandbox:CRONUS-BE:" + blocked.number())
                .retrieve().body(String.class));
        assertThat(audit.toString()).contains("ERP_WRITE_BACK").contains("blocked, after limit.breached");

        // a payment of the blocked customer: new figures, the same assessment, still over its limit
        SandboxPortfolio.Invoice open = portfolio.invoices().stream().filter(i -> i.customer().equals(blocked))
                .filter(i -> i.remainingAmount().compareTo(BigDecimal.TEN) > 0).findFirst().orElseThrow();
        portfolio.pay(open.number(), BigDecimal.ONE, Instant.now());
        int exposureEvents = finance.deliveries("exposure.changed").size();
        assertThat(extract.run("bc-sandbox")).isTrue();
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);
        assertThat(finance.deliveries("exposure.changed")).hasSizeGreaterThan(exposureEvents);
        assertThat(businessCentral.customerWrites()).as("nothing new to write").isEqualTo(writes);
    }

    private Optional<BigDecimal> euroLimitOf(SandboxPortfolio.Company company) {
        return jdbc.queryForList("select hub_id from debtor where debtor_ref = ?", String.class, company.number())
                .stream().findFirst().flatMap(assessments::find).map(AssessmentCache.Cached::assessment)
                .filter(assessment -> assessment.recommendedLimit() != null && assessment.limitCurrency() != null
                        && assessment.limitCurrency().getCurrencyCode().equals("EUR"))
                .map(CreditAssessment::recommendedLimit);
    }
}
