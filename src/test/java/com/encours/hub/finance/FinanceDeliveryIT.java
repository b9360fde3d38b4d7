package com.encours.hub.finance;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.BusinessCentralSimulator;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.connection.CachingConnectionFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The debtor events end to end on real Artemis and PostgreSQL: a sandbox sync (Business Central -> ledger ->
 * Creditsafe) gives each debtor its assessment, its figures and the limits it goes over, on the webhook and on
 * the topic of each event type; news from the bureau gives a score drop. The methods build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinanceDeliveryIT extends HubIntegrationTest {

    private static final String ERP = "bc-sandbox";
    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(90);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired CreditsafeSimulator bureau;
    @Autowired BusinessCentralSimulator erp;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired JdbcTemplate jdbc;
    @Autowired ConnectionFactory connectionFactory;

    /** Event ids received on each topic, by event type. */
    private final Map<String, List<String>> onTopics = new ConcurrentHashMap<>();
    private Connection subscriber;

    @BeforeAll
    void subscribeToEveryTopic() throws JMSException {
        // a connection of its own, not the hub's cached one, so that closing it ends the subscriptions
        subscriber = ((CachingConnectionFactory) connectionFactory).getTargetConnectionFactory().createConnection();
        Session session = subscriber.createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (String type : FinanceEvent.TYPES) {
            List<String> received = onTopics.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>());
            session.createConsumer(session.createTopic("finance." + type)).setMessageListener(message -> {
                try {
                    received.add(readJson(((TextMessage) message).getText()).at("/eventId").asText());
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        subscriber.start();
    }

    @AfterAll
    void unsubscribe() throws JMSException {
        subscriber.close();
    }

    @Test
    @Order(1)
    void aFirstSyncAssessesEveryDebtorPublishesItsFiguresAndEveryLimitItGoesOver() {
        assertThat(extract.run(ERP)).isTrue();
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);

        Set<SandboxPortfolio.Company> debtors = portfolio.invoices().stream().map(SandboxPortfolio.Invoice::customer)
                .collect(Collectors.toSet());
        assertThat(events("debtor.assessed")).extracting(e -> e.at("/debtor/debtorRef").asText())
                .as("one assessment per debtor").hasSize(debtors.size())
                .containsExactlyInAnyOrderElementsOf(debtors.stream().map(SandboxPortfolio.Company::number).toList());

        // a debtor's invoices may come in several ledger batches: its last figures are those of all its invoices
        Map<String, JsonNode> lastFigures = events("exposure.changed").stream().collect(Collectors.toMap(
                e -> e.at("/debtor/debtorRef").asText(), Function.identity(), (earlier, later) -> later));
        assertThat(lastFigures).hasSize(debtors.size());
        for (SandboxPortfolio.Company company : debtors) {
            JsonNode eur = figuresIn(lastFigures.get(company.number()), "EUR");
            assertThat(eur.at("/open").decimalValue()).as(company.number()).isEqualByComparingTo(openEur(company));
        }

        Set<String> breached = events("limit.breached").stream()
                .map(e -> e.at("/debtor/debtorRef").asText() + ":" + e.at("/data/limitKind").asText())
                .collect(Collectors.toSet());
        assertThat(events("limit.breached")).as("each limit is breached once").hasSize(breached.size());
        assertThat(breached).isNotEmpty().isEqualTo(expectedBreaches(debtors));
        assertThat(events("score.dropped")).isEmpty();

        for (String type : FinanceEvent.TYPES) {
            await().atMost(FLOW_TIMEOUT).untilAsserted(() -> assertThat(onTopics.get(type)).as("topic of " + type)
                    .containsExactlyInAnyOrderElementsOf(ids(type)));
        }
    }

    @Test
    @Order(2)
    void aWorseRatingFromTheBureauIsAScoreDropAfterTheNewAssessment() {
        SandboxPortfolio.Invoice invoice = portfolio.invoices().stream()
                .filter(i -> i.remainingAmount().compareTo(new BigDecimal("500")) > 0)
                .filter(i -> i.customer().providerScore() != null && i.customer().providerScore() >= 50)
                .findFirst().orElseThrow();
        SandboxPortfolio.Company company = invoice.customer();
        bureau.rerate(company, company.providerScore() - 30, "E");
        jdbc.update("update credit_assessment set valid_until = ? where hub_id = (select hub_id from debtor where debtor_ref = ?)",
                Timestamp.from(Instant.now().minusSeconds(60)), company.number());
        portfolio.pay(invoice.number(), new BigDecimal("10.00"), Instant.now());

        assertThat(extract.run(ERP)).isTrue();
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);

        List<JsonNode> drops = events("score.dropped");
        assertThat(drops).singleElement().satisfies(drop -> {
            assertThat(drop.at("/debtor/debtorRef").asText()).isEqualTo(company.number());
            assertThat(drop.at("/data/previousRatingBand").asText()).isEqualTo(company.ratingBand());
            assertThat(drop.at("/data/ratingBand").asText()).isEqualTo("E");
            assertThat(drop.at("/data/drop").asInt()).isEqualTo(30);
        });
        List<JsonNode> assessed = events("debtor.assessed");
        assertThat(assessed.get(assessed.size() - 1).at("/data/assessment/ratingBand").asText()).isEqualTo("E");
        JsonNode lastFigures = events("exposure.changed").get(events("exposure.changed").size() - 1);
        assertThat(lastFigures.at("/debtor/debtorRef").asText()).isEqualTo(company.number());
        assertThat(figuresIn(lastFigures, "EUR").at("/open").decimalValue()).isEqualByComparingTo(openEur(company));
    }

    @Test
    @Order(3)
    void aCreditLimitRaisedInTheErpAloneIsNewsForFinance() {
        SandboxPortfolio.Company company = portfolio.companies().stream()
                .filter(c -> portfolio.invoices().stream().anyMatch(i -> i.customer().equals(c)))
                .skip(2).findFirst().orElseThrow();
        BigDecimal raised = company.internalLimit().add(new BigDecimal("100000"));
        int before = events("exposure.changed").size();
        erp.userSetsCreditLimit(company.number(), raised);

        assertThat(extract.run(ERP)).isTrue();
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);

        List<JsonNode> news = events("exposure.changed").subList(before, events("exposure.changed").size());
        assertThat(news).as("no invoice changed: only the debtor whose record did").singleElement().satisfies(event -> {
            assertThat(event.at("/debtor/debtorRef").asText()).isEqualTo(company.number());
            JsonNode internal = StreamSupport.stream(event.at("/data/headroom").spliterator(), false)
                    .filter(h -> h.at("/kind").asText().equals("INTERNAL")).findFirst().orElseThrow();
            assertThat(internal.at("/limit").decimalValue()).isEqualByComparingTo(raised);
            assertThat(internal.at("/headroom").decimalValue()).isEqualByComparingTo(raised.subtract(openEur(company)));
        });
    }

    @Test
    @Order(4)
    void everyDebtorEventHonoursItsPublishedSchemaAndNoneCameTwice() throws IOException {
        for (String type : FinanceEvent.TYPES) {
            JsonSchema schema;
            try (InputStream in = new ClassPathResource("schemas/" + type + ".v1.schema.json").getInputStream()) {
                schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            }
            for (FinanceWebhookReceiver.Delivery delivery : finance.deliveries(type)) {
                assertThat(schema.validate(readJson(delivery.body()))).as(delivery.body()).isEmpty();
            }
            assertThat(ids(type)).doesNotHaveDuplicates();
        }
    }

    @Test
    @Order(5)
    void theRestApiPagesTheEventsAndAnswers304WhileNothingChanged() {
        List<String> paged = new ArrayList<>();
        JsonNode first = getJson("/api/finance/events?type=exposure.changed&page=0&size=7");
        assertThat(first.at("/total").asLong()).isEqualTo(ids("exposure.changed").size());
        int pages = (int) Math.ceil(first.at("/total").asLong() / 7.0);
        for (int page = 0; page < pages; page++) {
            JsonNode answer = getJson("/api/finance/events?type=exposure.changed&page=" + page + "&size=7");
            assertThat(answer.at("/items").size()).isLessThanOrEqualTo(7);
            answer.at("/items").forEach(event -> paged.add(event.at("/eventId").asText()));
        }
        assertThat(paged).as("every event once, across the pages").containsExactlyInAnyOrderElementsOf(
                ids("exposure.changed"));

        JsonNode drop = events("score.dropped").get(0);
        String hubId = drop.at("/debtor/hubId").asText();
        JsonNode ofDebtor = getJson("/api/finance/events?debtor=" + hubId + "&type=score.dropped&since="
                + drop.at("/occurredAt").asText());
        assertThat(ofDebtor.at("/items/0")).isEqualTo(drop);
        assertThat(ofDebtor.at("/total").asLong()).isEqualTo(1);

        String eventsPage = "/api/finance/events?type=limit.breached&page=0&size=5";
        assertNotModifiedWithItsEtag(eventsPage);
        assertNotModifiedWithItsEtag("/api/finance/debtors/" + hubId + "/figures");
        assertNotModifiedWithItsEtag("/api/finance/portfolio/figures?page=1&size=10");
    }

    @Test
    @Order(6)
    void debtorAndPortfolioFiguresAreThoseOfTheLedger() {
        SandboxPortfolio.Company company = portfolio.companies().get(0);
        String hubId = jdbc.queryForObject("select hub_id from debtor where debtor_ref = ?", String.class,
                company.number());
        JsonNode debtor = getJson("/api/finance/debtors/" + hubId + "/figures");
        assertThat(figuresIn(debtor, "EUR").at("/open").decimalValue()).isEqualByComparingTo(openEur(company));

        JsonNode portfolioFigures = getJson("/api/finance/portfolio/figures?page=0&size=10");
        BigDecimal allOpenEur = portfolio.invoices().stream().filter(i -> i.currency().equals("EUR"))
                .map(SandboxPortfolio.Invoice::remainingAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
        JsonNode eurTotal = StreamSupport.stream(portfolioFigures.at("/totals").spliterator(), false)
                .filter(t -> t.at("/currency").asText().equals("EUR")).findFirst().orElseThrow();
        assertThat(eurTotal.at("/open").decimalValue()).isEqualByComparingTo(allOpenEur);
        assertThat(portfolioFigures.at("/debtors/items").size()).isEqualTo(10);
        assertThat(portfolioFigures.at("/debtors/total").asLong()).isEqualTo(
                jdbc.queryForObject("select count(*) from debtor", Long.class));
    }

    private void assertNotModifiedWithItsEtag(String path) {
        ResponseEntity<String> answer = restClient().get().uri(path).retrieve().toEntity(String.class);
        String etag = answer.getHeaders().getETag();
        assertThat(etag).as(path).isNotBlank();
        HttpStatusCode again = restClient().get().uri(path).header(HttpHeaders.IF_NONE_MATCH, etag)
                .exchange((request, response) -> response.getStatusCode());
        assertThat(again.value()).as(path).isEqualTo(304);
        HttpStatusCode otherTag = restClient().get().uri(path).header(HttpHeaders.IF_NONE_MATCH, "\"stale\"")
                .exchange((request, response) -> response.getStatusCode());
        assertThat(otherTag.value()).as(path).isEqualTo(200);
    }

    private JsonNode getJson(String path) {
        return readJson(restClient().get().uri(path).retrieve().body(String.class));
    }

    private List<JsonNode> events(String type) {
        return finance.deliveries(type).stream().map(d -> readJson(d.body())).toList();
    }

    private List<String> ids(String type) {
        return finance.deliveries(type).stream().map(FinanceWebhookReceiver.Delivery::idempotencyKey).toList();
    }

    private static JsonNode figuresIn(JsonNode exposureChanged, String currency) {
        JsonNode all = exposureChanged.has("data") ? exposureChanged.at("/data/figures") : exposureChanged.at("/figures");
        for (JsonNode figures : all) {
            if (figures.at("/currency").asText().equals(currency)) {
                return figures;
            }
        }
        throw new AssertionError("no " + currency + " figures in " + exposureChanged);
    }

    private BigDecimal openEur(SandboxPortfolio.Company company) {
        return portfolio.invoices().stream().filter(i -> i.customer().equals(company) && i.currency().equals("EUR"))
                .map(SandboxPortfolio.Invoice::remainingAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * Debtor and limit kind of every limit the portfolio's EUR open amounts go over: the ERP's own limit (in
     * EUR in the sandbox) and the bureau's, when the bureau gives a number.
     */
    private Set<String> expectedBreaches(Set<SandboxPortfolio.Company> debtors) {
        Set<String> expected = new HashSet<>();
        for (SandboxPortfolio.Company company : debtors) {
            BigDecimal open = openEur(company);
            if (open.compareTo(company.internalLimit()) > 0) {
                expected.add(company.number() + ":INTERNAL");
            }
            if (company.creditLimit() != null && company.creditLimit().matches("\\d+")
                    && open.compareTo(new BigDecimal(company.creditLimit())) > 0) {
                expected.add(company.number() + ":BUREAU");
            }
        }
        return expected;
    }
}
