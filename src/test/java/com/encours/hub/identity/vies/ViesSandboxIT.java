package com.encours.hub.identity.vies;

import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.model.VatCheck;
import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.ViesSimulator;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.apache.cxf.transport.servlet.AbstractHTTPServlet;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole hub in its default sandbox run: the {@code vies-sandbox} connector of application-sandbox.yaml
 * gives a {@link VatCheckService} that asks the sandbox's VIES simulator with the configured requester and
 * keeps the answers in PostgreSQL; Camel CXF adds no SOAP servlet to the hub's web server.
 */
class ViesSandboxIT extends HubIntegrationTest {

    @Autowired VatCheckService vatChecks;
    @Autowired ViesSimulator vies;
    @Autowired SandboxPortfolio portfolio;
    @Autowired JdbcTemplate jdbc;
    @Autowired ApplicationContext context;
    @Autowired ErpExtract extract;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired ConnectorState connectors;

    @Test
    void portfolioCompanyIsValidWithAConsultationNumberKeptInTheDatabase() {
        SandboxPortfolio.Company company = portfolio.companies().get(1);
        int before = vies.requests();

        VatCheck check = vatChecks.check(company.country(), company.vat());
        VatCheck again = vatChecks.check(company.country(), company.vat());

        assertThat(vatChecks.connector().id()).isEqualTo("vies-sandbox");
        assertThat(check.valid()).isTrue();
        assertThat(check.name()).isEqualTo(company.name().toUpperCase());
        assertThat(check.consultationNumber()).startsWith("WAPIAAAA");
        assertThat(again).isEqualTo(check);
        assertThat(vies.requests() - before).isEqualTo(1);
        assertThat(jdbc.queryForObject("select consultation_number from vat_check where connector_id = 'vies-sandbox' "
                + "and country_code = ? and vat_number = ?", String.class, company.country(), company.vat().substring(2)))
                .isEqualTo(check.consultationNumber());
    }

    @Test
    void whileViesIsDownTheEventsGoOutWithoutACheckAndVatNumbersKnownBeforeKeepTheirs() {
        SandboxPortfolio.Company checkedBefore = portfolio.companies().get(2);
        vatChecks.check(checkedBefore.country(), checkedBefore.vat());
        Set<String> answeredBefore = Set.copyOf(jdbc.queryForList(
                "select country_code || vat_number from vat_check where connector_id = 'vies-sandbox'", String.class));
        assertThat(answeredBefore).contains(checkedBefore.vat());
        vies.faults().always(ViesSimulator.soapFault("MS_UNAVAILABLE"));

        assertThat(extract.run("bc-sandbox")).isTrue();
        new HubQueues(broker).awaitQuiet(Duration.ofSeconds(120));
        vies.faults().clear();

        List<JsonNode> events = finance.deliveries().stream().map(delivery -> readJson(delivery.body())).toList();
        assertThat(events).as("nothing held back by VIES").hasSize(portfolio.invoices().size());
        for (JsonNode event : events) {
            boolean knownBefore = answeredBefore.contains(event.at("/debtor/identifiers/0/value").asText());
            assertThat(event.at("/debtor/vatCheck/valid").asBoolean(false)).as(event.at("/item/docNumber").asText())
                    .isEqualTo(knownBefore);
        }
        long debtors = events.stream().map(event -> event.at("/debtor/hubId").asText()).distinct().count();
        assertThat(vies.faults().injectedCount()).as("VIES is left alone for a while after it said it is down")
                .isPositive().isLessThan((int) debtors);
        assertThat(connectors.status("vies-sandbox")).hasValueSatisfying(status ->
                assertThat(status.lastError()).contains("MS_UNAVAILABLE"));
    }

    @Test
    void hubRegistersNoSoapServlet() {
        assertThat(context.getBeansOfType(ServletRegistrationBean.class).values())
                .extracting(registration -> registration.getServlet().getClass())
                .noneMatch(AbstractHTTPServlet.class::isAssignableFrom);
    }
}
