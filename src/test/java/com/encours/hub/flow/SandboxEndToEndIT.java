package com.encours.hub.flow;

import com.encours.hub.core.ConnectorState;
import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.BusinessCentralSimulator;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FaultPlan;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.connection.CachingConnectionFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sandbox end to end on real Artemis and PostgreSQL: Business Central pages -> ledger -> Creditsafe
 * -> finance webhook. The methods build on each other, in order, on one hub.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxEndToEndIT extends HubIntegrationTest {

    private static final String ERP = "bc-sandbox";
    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(90);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired BusinessCentralSimulator erp;
    @Autowired CreditsafeSimulator bureau;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired ConnectorState connectorState;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired JdbcTemplate jdbc;
    @Autowired ConnectionFactory connectionFactory;

    private HubQueues queues;

    @BeforeEach
    void lookAtTheBroker() {
        queues = new HubQueues(broker);
    }

    @Test
    @Order(1)
    void firstSyncDeliversEveryInvoiceEnrichedDespiteARateLimitAndABadRecord() throws JMSException {
        List<String> onTheTopic = new CopyOnWriteArrayList<>();
        // a connection of its own, not the hub's cached one, so that closing it ends the subscription
        Connection subscriber = ((CachingConnectionFactory) connectionFactory).getTargetConnectionFactory()
                .createConnection();
        Session session = subscriber.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(session.createTopic("finance.out"))
                .setMessageListener(message -> onTheTopic.add(eventIdOf(message)));
        subscriber.start();
        erp.faults().once(FaultPlan.Fault.tooManyRequests(1).onRequestsContaining("salesInvoices"));
        erp.injectRecord("""
                {"id": "bad-record-1", "number": "SI-BAD-1", "customerNumber": "C10000",
                 "invoiceDate": "2026-11-01", "dueDate": "2026-12-01", "currencyCode": "EUR", "status": "Open",
                 "totalAmountIncludingTax": "lots", "remainingAmount": -5,
                 "lastModifiedDateTime": "2026-11-01T10:00:00Z"}""");

        assertThat(extract.run(ERP)).isTrue();
        queues.awaitQuiet(FLOW_TIMEOUT);

        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        Map<String, JsonNode> events = eventsByDocNumber();
        assertThat(erp.faults().injectedCount()).as("the 429 was answered").isEqualTo(1);
        assertThat(erp.customerWrites()).as("write-back is off by default").isZero();
        assertThat(events).hasSize(invoices.size());
        assertThat(finance.deliveries()).hasSize(invoices.size());
        assertThat(bureau.reportRequests()).as("one report per debtor").isEqualTo(SandboxPortfolio.COMPANIES);

        for (SandboxPortfolio.Invoice invoice : invoices) {
            JsonNode event = events.get(invoice.number());
            assertThat(event).as(invoice.number()).isNotNull();
            assertThat(event.at("/item/openAmount").decimalValue()).isEqualByComparingTo(invoice.remainingAmount());
            assertThat(event.at("/item/originalAmount").decimalValue()).isEqualByComparingTo(invoice.totalAmount());
            assertThat(event.at("/item/currency").asText()).isEqualTo(invoice.currency());
            SandboxPortfolio.Company company = invoice.customer();
            assertThat(event.at("/debtor/identifiers/0/value").asText()).isEqualTo(company.vat());
            // VIES knows every sandbox company; the sandbox connector names a requester, so a consultation number
            assertThat(event.at("/debtor/vatCheck/valid").asBoolean()).as(invoice.number()).isTrue();
            assertThat(event.at("/debtor/vatCheck/name").asText()).isEqualToIgnoringCase(company.name());
            assertThat(event.at("/debtor/vatCheck/consultationNumber").asText()).isNotBlank();
            if (company.ratingBand() == null) {
                assertThat(event.at("/assessment/score").isMissingNode()).isTrue();
                assertThat(event.at("/assessment/providerScore").asText()).isEqualTo("Not Rated");
            } else {
                assertThat(event.at("/assessment/ratingBand").asText()).isEqualTo(company.ratingBand());
                assertThat(event.at("/assessment/providerScore").asText()).isEqualTo(String.valueOf(company.providerScore()));
            }
        }

        SandboxPortfolio.Company referToBureau = portfolio.companies().get(13);
        JsonNode anyOfThatCompany = events.values().stream()
                .filter(e -> e.at("/debtor/debtorRef").asText().equals(referToBureau.number())).findFirst().orElseThrow();
        assertThat(anyOfThatCompany.at("/assessment/limitText").asText()).isEqualTo("Refer to bureau");
        assertThat(anyOfThatCompany.at("/assessment/recommendedLimit").isMissingNode()).isTrue();

        assertThat(quarantined("invalid.erp.items")).as("the bad record, alone").isEqualTo(1);
        JsonNode quarantine = readJson(restClient().get().uri("/api/ops/failed?address=erp.items&kind=quarantine")
                .retrieve().body(String.class));
        assertThat(quarantine.at("/items/0/reason").asText()).contains("lots");
        assertThat(quarantine.at("/items/0/bodyPreview").asText()).contains("SI-BAD-1");
        await().atMost(FLOW_TIMEOUT).until(() -> onTheTopic.size() == invoices.size());
        subscriber.close();
        assertThat(onTheTopic).as("a finance system on the topic gets the same events")
                .containsExactlyInAnyOrderElementsOf(finance.deliveries().stream()
                        .map(FinanceWebhookReceiver.Delivery::idempotencyKey).toList());
        assertThat(connectorState.status(ERP)).hasValueSatisfying(s -> assertThat(s.lastSuccessAt()).isNotNull());
    }

    @Test
    @Order(2)
    void exposureInTheLastEventOfADebtorMatchesItsOpenInvoices() {
        SandboxPortfolio.Company company = portfolio.companies().get(0);
        LocalDate today = LocalDate.now();
        List<SandboxPortfolio.Invoice> owed = portfolio.invoices().stream()
                .filter(i -> i.customer().equals(company) && i.currency().equals("EUR")
                        && i.remainingAmount().signum() > 0).toList();
        BigDecimal open = owed.stream().map(SandboxPortfolio.Invoice::remainingAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal overdue = owed.stream().filter(i -> i.dueDate().isBefore(today))
                .map(SandboxPortfolio.Invoice::remainingAmount).reduce(BigDecimal.ZERO, BigDecimal::add);

        var view = jdbc.queryForObject("select hub_id from debtor where debtor_ref = ?", String.class, company.number());
        JsonNode debtor = getJson("/api/debtors/" + view);

        JsonNode eur = debtor.at("/exposure/0");
        assertThat(eur.at("/currency").asText()).isEqualTo("EUR");
        assertThat(eur.at("/open").decimalValue()).isEqualByComparingTo(open);
        assertThat(eur.at("/overdue").decimalValue()).isEqualByComparingTo(overdue);
        assertThat(debtor.at("/assessment/ratingBand").asText()).isEqualTo(company.ratingBand());
    }

    @Test
    @Order(3)
    void aSecondSyncWithNothingChangedCostsNoEventAndNoBureauCall() {
        int deliveries = finance.deliveries().size();
        int reports = bureau.reportRequests();
        jdbc.update("delete from connector_watermark where connector_id = ?", ERP);   // read everything again

        assertThat(extract.run(ERP)).isTrue();
        queues.awaitQuiet(FLOW_TIMEOUT);

        assertThat(finance.deliveries()).hasSize(deliveries);
        assertThat(bureau.reportRequests()).isEqualTo(reports);
    }

    @Test
    @Order(4)
    void anInvoiceTouchedWithoutABusinessChangeCostsNoEvent() {
        int deliveries = finance.deliveries().size();
        SandboxPortfolio.Invoice invoice = firstOpenInvoice();
        portfolio.pay(invoice.number(), BigDecimal.ZERO, Instant.now());

        assertThat(extract.run(ERP)).isTrue();
        queues.awaitQuiet(FLOW_TIMEOUT);

        assertThat(finance.deliveries()).hasSize(deliveries);
    }

    @Test
    @Order(5)
    void onePaymentInTheErpGivesExactlyOneEventAndNoBureauCall() {
        int deliveries = finance.deliveries().size();
        int reports = bureau.reportRequests();
        SandboxPortfolio.Invoice invoice = firstOpenInvoice();
        SandboxPortfolio.Invoice paid = portfolio.pay(invoice.number(), new BigDecimal("100.00"), Instant.now());

        assertThat(extract.run(ERP)).isTrue();
        queues.awaitQuiet(FLOW_TIMEOUT);

        List<FinanceWebhookReceiver.Delivery> all = finance.deliveries();
        assertThat(all).hasSize(deliveries + 1);
        JsonNode event = readJson(all.get(all.size() - 1).body());
        assertThat(event.at("/item/docNumber").asText()).isEqualTo(invoice.number());
        assertThat(event.at("/revision").asLong()).isEqualTo(2);
        assertThat(event.at("/changes").toString()).contains("AMOUNT");
        assertThat(event.at("/item/openAmount").decimalValue()).isEqualByComparingTo(paid.remainingAmount());
        assertThat(bureau.reportRequests()).isEqualTo(reports);
    }

    @Test
    @Order(6)
    void anAssessmentPastItsValidityIsFetchedAgainOnTheNextChange() {
        SandboxPortfolio.Invoice invoice = portfolio.invoices().stream()
                .filter(i -> i.remainingAmount().compareTo(new BigDecimal("500")) > 0).skip(5).findFirst().orElseThrow();
        jdbc.update("update credit_assessment set valid_until = ? where hub_id = (select hub_id from debtor where debtor_ref = ?)",
                Timestamp.from(Instant.now().minusSeconds(60)), invoice.customer().number());
        int reports = bureau.reportRequests();
        portfolio.pay(invoice.number(), new BigDecimal("10.00"), Instant.now());

        assertThat(extract.run(ERP)).isTrue();
        queues.awaitQuiet(FLOW_TIMEOUT);

        assertThat(bureau.reportRequests()).isEqualTo(reports + 1);
    }

    @Test
    @Order(7)
    void everyDeliveredEventHonoursItsPublishedSchemaAndNoneCameTwice() throws IOException {
        JsonSchema schema;
        try (InputStream in = new ClassPathResource("schemas/open-item.enriched.v1.schema.json").getInputStream()) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        for (FinanceWebhookReceiver.Delivery delivery : finance.deliveries()) {
            Set<ValidationMessage> errors = schema.validate(readJson(delivery.body()));
            assertThat(errors).as(delivery.body()).isEmpty();
        }
        assertThat(finance.deliveries().stream().map(FinanceWebhookReceiver.Delivery::idempotencyKey))
                .doesNotHaveDuplicates();
    }

    private static String eventIdOf(Message message) {
        try {
            return message.getStringProperty("hubMessageId");
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private SandboxPortfolio.Invoice firstOpenInvoice() {
        return portfolio.invoices().stream().filter(i -> i.remainingAmount().compareTo(new BigDecimal("500")) > 0)
                .findFirst().orElseThrow();
    }

    private Map<String, JsonNode> eventsByDocNumber() {
        return finance.deliveries().stream().map(d -> readJson(d.body()))
                .collect(Collectors.toMap(e -> e.at("/item/docNumber").asText(), Function.identity(), (a, b) -> b));
    }

    private long quarantined(String queue) {
        await().atMost(FLOW_TIMEOUT).until(() -> queues.pending(queue) > 0);
        return queues.pending(queue);
    }

    private JsonNode getJson(String path) {
        return readJson(restClient().get().uri(path).retrieve().body(String.class));
    }
}
