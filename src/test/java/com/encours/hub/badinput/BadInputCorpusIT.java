package com.encours.hub.badinput;

import com.encours.hub.core.ConnectorState;
import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.BusinessCentralSimulator;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FaultPlan;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.RawReply;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.web.client.RestClient;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 5: the bad-input corpus ({@code src/test/resources/bad-input/}) at every entry the hub has —
 * Business Central pages and records, messages put on erp.items from outside, Creditsafe replies, the
 * HTTP API. Every case must end quarantined with a clear reason visible through GET /api/ops/failed, or be
 * rejected with a clear error (connector status, HTTP 4xx), or be accepted as documented; the rest of the
 * batch goes on and the hub stays up. Scenario 4 (a poison message) runs on the same hub at the end.
 * <p>
 * Run in a JVM of its own with -Xmx256m (failsafe execution {@code bad-input-corpus}); the peak heap goes
 * into {@code bench/results/bad-input-latest.md} with every case's outcome and reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusIT extends HubIntegrationTest {

    private static final String ERP = "bc-sandbox";
    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(120);
    private static final List<Result> RESULTS = new CopyOnWriteArrayList<>();
    private static final Instant STARTED = Instant.now();
    private static HeapWatch heap;

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired BusinessCentralSimulator erp;
    @Autowired CreditsafeSimulator bureau;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired ConnectorState connectorState;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired JdbcTemplate jdbc;
    @Autowired ConnectionFactory connectionFactory;

    /** What happened to one case, for the report and the assertions. */
    record Result(BadInputCase testCase, String outcome, String reason, List<String> problems) {
        boolean passed() {
            return problems.isEmpty();
        }
    }

    @BeforeAll
    static void watchTheHeap() {
        heap = HeapWatch.start();
    }

    @AfterAll
    static void writeTheReport() throws IOException {
        heap.stop();
        BadInputReport.write(Path.of("bench", "results", "bad-input-latest.md"), RESULTS, heap,
                Duration.between(STARTED, Instant.now()));
    }

    // ---------------------------------------------------------------------------------------- ERP records

    @Test
    @Order(1)
    void badRecordsInABusinessCentralPageAreQuarantinedOneByOneAndThePageGoesOn() {
        List<BadInputCase> cases = BadInputCase.load("erp-record");
        assertThat(cases).isNotEmpty();
        for (BadInputCase c : cases) {
            erp.injectRecord(c.erpRecord());
        }
        try {
            assertThat(extract.run(ERP)).as("the extract itself succeeds").isTrue();
        } finally {
            erp.clearInjectedRecords();
        }
        queues().awaitQuiet(FLOW_TIMEOUT);

        List<JsonNode> quarantined = failed("erp.items", "quarantine");
        List<Result> results = new ArrayList<>();
        for (BadInputCase c : cases) {
            results.add(switch (c.outcome()) {
                case "quarantined" -> quarantinedResult(c, quarantined);
                case "accepted" -> acceptedInLedger(c);
                default -> throw new IllegalArgumentException(c + ": outcome " + c.outcome());
            });
        }
        record(results);
        assertThat(finance.deliveries().stream().map(d -> readJson(d.body()).at("/item/docNumber").asText())
                .filter(n -> !n.startsWith("BAD-")).distinct().count())
                .as("every genuine invoice went through").isEqualTo(portfolio.invoices().size());
        assertThat(connectorState.status(ERP)).hasValueSatisfying(s -> assertThat(s.lastSuccessAt()).isNotNull());
        assertAllPassed(results);
    }

    private Result acceptedInLedger(BadInputCase c) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = jdbc.queryForList("select * from open_item where source_item_key = ?", c.number());
        if (rows.size() != 1) {
            problems.add("expected the item in the ledger, found " + rows.size());
            return new Result(c, "not in ledger", null, problems);
        }
        c.expect().path("ledger").fields().forEachRemaining(e -> {
            Object actual = rows.get(0).get(e.getKey());
            if (actual == null || !String.valueOf(actual).equals(e.getValue().asText())) {
                problems.add("ledger " + e.getKey() + " was " + actual + ", expected " + e.getValue().asText());
            }
        });
        return new Result(c, "accepted", "ledger: " + c.expect().path("ledger"), problems);
    }

    // ------------------------------------------------------------------------------------------ ERP pages

    @Test
    @Order(2)
    void aPageTheHubCannotReadFailsTheExtractWithAClearReasonAndTheNextExtractGoesOn() {
        List<BadInputCase> cases = BadInputCase.load("erp-page");
        assertThat(cases).isNotEmpty();
        List<Result> results = new ArrayList<>();
        for (BadInputCase c : cases) {
            erp.rawReplies().clear();
            erp.rawReplies().once(c.spec().path("on").asText("salesInvoices"), reply(c, c.spec().path("reply")));
            List<String> problems = new ArrayList<>();
            String thrown = null;
            try {
                extract.run(ERP);
                problems.add("the extract succeeded");
            } catch (RuntimeException e) {
                thrown = e.getMessage();
            }
            String lastError = connectorState.status(ERP).map(ConnectorState.Status::lastError).orElse(null);
            JsonNode view = connectorView(ERP);
            if (!view.path("lastError").asText("").equals(lastError)) {
                problems.add("GET /api/connectors does not show the last error");
            }
            checkReason(c, lastError, problems);
            results.add(new Result(c, "rejected", lastError, problems));
        }
        erp.rawReplies().clear();
        record(results);
        assertThat(extract.run(ERP)).as("the next extract reads again").isTrue();
        JsonNode view = connectorView(ERP);
        assertThat(Instant.parse(view.path("lastSuccessAt").asText()))
                .isAfter(Instant.parse(view.path("lastErrorAt").asText()));
        queues().awaitQuiet(FLOW_TIMEOUT);
        assertAllPassed(results);
    }

    private RawReply reply(BadInputCase c, JsonNode spec) {
        int status = spec.path("status").asInt(200);
        String type = RawReply.TYPES.getOrDefault(spec.path("contentType").asText("json"), spec.path("contentType").asText());
        boolean chunked = spec.path("chunked").asBoolean(false);
        Map<String, String> vars = Map.of("connectId", connectId());
        if (spec.has("repeat")) {
            JsonNode r = spec.get("repeat");
            return RawReply.repeated(status, type, chunked, c.expand(r.path("prefix").asText(), vars),
                    c.expand(r.path("item").asText(), vars), r.path("times").asLong(),
                    c.expand(r.path("suffix").asText(), vars));
        }
        byte[] body = c.expand(spec.path("body").asText(""), vars);
        return chunked ? new RawReply(status, type, true, body.length, out -> out.write(body))
                : RawReply.of(status, type, body);
    }

    // ------------------------------------------------------------------------------------ erp.items queue

    @Test
    @Order(3)
    void messagesPutOnTheLedgerQueueFromOutsideAreQuarantinedOrProcessedButNeverSteerRouting() throws JMSException {
        List<BadInputCase> cases = BadInputCase.load("queue");
        assertThat(cases).isNotEmpty();
        int deliveriesBefore = finance.deliveries().size();
        try (Connection connection = plainConnectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("erp.items"));
            for (BadInputCase c : cases) {
                producer.send(jmsMessage(session, c, c.spec().path("message")));
            }
        }
        queues().awaitQuiet(FLOW_TIMEOUT);
        List<Result> results = new ArrayList<>();
        for (BadInputCase c : cases) {
            Result result = switch (c.outcome()) {
                case "quarantined" -> quarantinedResult(c, failed(c.expect().path("address").asText("erp.items"),
                        "quarantine"));
                case "processed" -> deliveredOnce(c);
                default -> throw new IllegalArgumentException(c + ": outcome " + c.outcome());
            };
            for (JsonNode queue : c.expect().path("nothingOn")) {
                Queue q = broker.getActiveMQServer().locateQueue(SimpleString.of(queue.asText()));
                if (q != null && q.getMessageCount() + q.getMessagesAdded() > 0) {
                    result.problems().add("a message reached " + queue.asText());
                }
            }
            results.add(result);
        }
        record(results);
        assertThat(finance.deliveries().size()).isGreaterThanOrEqualTo(deliveriesBefore);
        assertAllPassed(results);
    }

    private Message jmsMessage(Session session, BadInputCase c, JsonNode spec) throws JMSException {
        Map<String, String> vars = canonicalVariables(c, "C10000", null);
        Message message;
        if ("bytes".equals(spec.path("type").asText("text"))) {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(c.expand(spec.path("body").asText(""), vars));
            message = bytes;
        } else {
            message = session.createTextMessage(c.expandText(spec.path("body").asText(""), vars));
        }
        Iterator<Map.Entry<String, JsonNode>> properties = spec.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> p = properties.next();
            message.setStringProperty(p.getKey(), c.expandText(p.getValue().asText(), vars));
        }
        return message;
    }

    /** ${item}: a valid canonical open item of this case; ${debtor}: a valid canonical debtor. */
    private Map<String, String> canonicalVariables(BadInputCase c, String debtorRef, SandboxPortfolio.Company company) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("item", """
                {"sourceSystem":"bc-sandbox","company":"CRONUS-BE","sourceItemKey":"%s","docType":"INVOICE",\
                "docNumber":"%s","debtorRef":"%s","issueDate":"2026-11-01","dueDate":"2026-12-01",\
                "originalAmount":121,"openAmount":100,"currency":"EUR","status":"PARTIAL",\
                "dunningBlocked":false,"disputed":false}""".formatted(c.number(), c.number(), debtorRef));
        if (company != null) {
            vars.put("debtor", """
                    {"sourceSystem":"bc-sandbox","company":"CRONUS-BE","debtorRef":"%s","name":"%s",\
                    "country":"%s","identifiers":[{"scheme":"VAT","value":"%s"}],"blocked":false}"""
                    .formatted(debtorRef, "Bad input " + c.name(), company.country(), company.vat()));
        }
        vars.put("debtorKey", "bc-sandbox:CRONUS-BE:" + debtorRef);
        return vars;
    }

    private Result deliveredOnce(BadInputCase c) {
        long count = finance.deliveries().stream()
                .filter(d -> readJson(d.body()).at("/item/docNumber").asText().equals(c.number())).count();
        List<String> problems = new ArrayList<>();
        if (count != 1) {
            problems.add("expected one webhook delivery, got " + count);
        }
        return new Result(c, "processed", "delivered " + count + " time(s)", problems);
    }

    // ----------------------------------------------------------------------------------- Creditsafe replies

    @Test
    @Order(4)
    void aBureauReplyTheHubCannotUseQuarantinesTheEventWithTheReasonAndNothingElse() throws JMSException {
        List<BadInputCase> cases = BadInputCase.load("bureau");
        assertThat(cases).isNotEmpty();
        SandboxPortfolio.Company company = portfolio.companies().get(7);
        List<Result> results = new ArrayList<>();
        try (Connection connection = plainConnectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("erp.items"));
            for (BadInputCase c : cases) {
                bureau.rawReplies().clear();
                JsonNode reply = c.spec().path("reply");
                String on = reply.path("on").asText("report").equals("search") ? "/companies?" : "/companies/";
                bureau.rawReplies().always(on, reply(c, reply));
                String debtorRef = c.number().replace("BAD-BUR-", "BUR-");
                Map<String, String> vars = canonicalVariables(c, debtorRef, company);
                producer.send(canonical(session, vars.get("debtor"), "DEBTOR", vars.get("debtorKey")));
                producer.send(canonical(session, vars.get("item"), "OPEN_ITEM", vars.get("debtorKey")));
                queues().awaitQuiet(FLOW_TIMEOUT);
                results.add(switch (c.outcome()) {
                    case "quarantined" -> quarantinedResult(c, failed("ledger.changes", "quarantine"));
                    case "accepted" -> acceptedEvent(c);
                    default -> throw new IllegalArgumentException(c + ": outcome " + c.outcome());
                });
            }
        } finally {
            bureau.rawReplies().clear();
        }
        record(results);
        assertAllPassed(results);
    }

    private static Message canonical(Session session, String body, String type, String group) throws JMSException {
        Message message = session.createTextMessage(body);
        message.setStringProperty("hubRecordType", type);
        message.setStringProperty("hubConnectorId", ERP);
        message.setStringProperty("hubMessageId", "it-" + Integer.toHexString(body.hashCode()) + "-" + type);
        message.setStringProperty("JMSXGroupID", group);
        return message;
    }

    private Result acceptedEvent(BadInputCase c) {
        List<String> problems = new ArrayList<>();
        Optional<JsonNode> event = finance.deliveries().stream().map(d -> readJson(d.body()))
                .filter(e -> e.at("/item/docNumber").asText().equals(c.number())).findFirst();
        if (event.isEmpty()) {
            problems.add("no event delivered");
            return new Result(c, "not delivered", null, problems);
        }
        c.expect().path("event").fields().forEachRemaining(e -> {
            JsonNode actual = event.get().at(e.getKey());
            String wanted = e.getValue().asText();
            if (wanted.equals("<missing>") ? !actual.isMissingNode() && !actual.isNull()
                    : !actual.asText().toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT))) {
                problems.add(e.getKey() + " was " + actual + ", expected " + wanted);
            }
        });
        return new Result(c, "accepted", "event " + event.get().path("assessment"), problems);
    }

    private String connectId() {
        return CreditsafeSimulator.connectId(portfolio.companies().get(7));
    }

    // ------------------------------------------------------------------------------------------- HTTP API

    @Test
    @Order(5)
    void badRequestsToTheApiGetAClearClientError() {
        List<BadInputCase> cases = BadInputCase.load("http");
        assertThat(cases).isNotEmpty();
        int auditBefore = jdbc.queryForObject("select count(*) from audit_event", Integer.class);
        List<Result> results = new ArrayList<>();
        for (BadInputCase c : cases) {
            JsonNode spec = c.spec().path("request");
            RestClient client = restClient(spec.path("user").asText(OPS));
            byte[] body = spec.has("body") ? c.expand(spec.get("body").asText(), Map.of()) : null;
            var request = client.method(HttpMethod.valueOf(spec.path("method").asText("POST")))
                    .uri(spec.path("path").asText());
            if (body != null) {
                request = request.contentType(MediaType.parseMediaType(spec.path("contentType").asText("application/json")))
                        .body(body);
            }
            Object[] answer = request.exchange((req, res) -> new Object[]{res.getStatusCode().value(),
                    new String(res.getBody().readAllBytes(), StandardCharsets.UTF_8)});
            int status = (int) answer[0];
            String text = (String) answer[1];
            List<String> problems = new ArrayList<>();
            if (status != c.expect().path("status").asInt()) {
                problems.add("status " + status + ", expected " + c.expect().path("status").asInt());
            }
            checkReason(c, text, problems);
            results.add(new Result(c, "HTTP " + status, text, problems));
        }
        record(results);
        assertThat(jdbc.queryForObject("select count(*) from audit_event", Integer.class))
                .as("no bad request discarded or retried anything").isEqualTo(auditBefore);
        assertAllPassed(results);
    }

    // ---------------------------------------------------------------------------- scenario 4: poison message

    @Test
    @Order(6)
    void aPoisonMessageReachesTheDeadLetterQueueAfterExactlyTheConfiguredAttemptsAndARetryDeliversItOnce()
            throws JMSException {
        SandboxPortfolio.Company company = portfolio.companies().get(11);
        BadInputCase poison = new BadInputCase("poison", "bureau-always-500", "POISON-1", "the bureau answers 500 "
                + "for this debtor, always", readJson("{}"));
        Map<String, String> vars = canonicalVariables(poison, "POISON-DEBTOR-1", company);
        bureau.faults().always(FaultPlan.Fault.status(500).onRequestsContaining(company.vat()));
        int injectedBefore = bureau.faults().injectedCount();
        try (Connection connection = plainConnectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("erp.items"));
            producer.send(canonical(session, vars.get("debtor"), "DEBTOR", vars.get("debtorKey")));
            producer.send(canonical(session, vars.get("item"), "OPEN_ITEM", vars.get("debtorKey")));
        }
        await().atMost(FLOW_TIMEOUT).until(() -> queues().pending("DLQ.ledger.changes") == 1);
        queues().awaitQuiet(FLOW_TIMEOUT);

        JsonNode dead = failed("ledger.changes", "dlq").stream()
                .filter(m -> m.path("bodyPreview").asText().contains("POISON-1")).findFirst().orElseThrow();
        int attempts = dead.path("attempts").asInt();
        Integer deliveryCount = dlqDeliveryCount(dead.path("id").asText());
        int bureauCalls = bureau.faults().injectedCount() - injectedBefore;
        List<String> problems = new ArrayList<>();
        if (attempts != 3) {
            problems.add("ops attempts " + attempts + ", expected hub.broker.max-delivery-attempts = 3");
        }
        if (bureauCalls != 3 * 3) {
            problems.add("bureau called " + bureauCalls + " times, expected 3 deliveries x 3 client attempts");
        }
        if (!dead.path("reason").asText().contains("500")) {
            problems.add("reason does not name the HTTP 500: " + dead.path("reason").asText());
        }

        bureau.faults().clear();
        JsonNode retried = readJson(restClient(OPS).post().uri("/api/ops/failed/" + dead.path("id").asText() + "/retry")
                .retrieve().body(String.class));
        queues().awaitQuiet(FLOW_TIMEOUT);
        long deliveries = finance.deliveries().stream()
                .filter(d -> readJson(d.body()).at("/item/docNumber").asText().equals("POISON-1")).count();
        if (deliveries != 1) {
            problems.add("after the retry, " + deliveries + " webhook deliveries, expected exactly 1");
        }
        if (queues().pending("DLQ.ledger.changes") != 0) {
            problems.add("the DLQ is not empty after the retry");
        }
        Result result = new Result(poison, "DLQ after " + attempts + " attempts (JMSXDeliveryCount in DLQ: "
                + deliveryCount + "), retried to " + retried.path("to").asText() + ", delivered " + deliveries
                + " time(s)", dead.path("reason").asText(), problems);
        record(List.of(result));
        assertAllPassed(List.of(result));
    }

    @Test
    @Order(7)
    void theHubIsStillHealthyAfterTheCorpus() {
        JsonNode health = readJson(restClient(OPS).get().uri("/actuator/health").retrieve().body(String.class));
        assertThat(health.path("status").asText()).isIn("UP", "PARTNER_DOWN");
        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
    }

    // ------------------------------------------------------------------------------------------- helpers

    private Integer dlqDeliveryCount(String id) throws JMSException {
        try (Connection connection = plainConnectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue("DLQ.ledger.changes"),
                    "hubMessageId = '" + id + "'");
            for (Object m : Collections.list(browser.getEnumeration())) {
                return ((Message) m).getIntProperty("JMSXDeliveryCount");
            }
            return null;
        }
    }

    private Result quarantinedResult(BadInputCase c, List<JsonNode> quarantined) {
        List<String> problems = new ArrayList<>();
        String byId = c.expect().path("byId").asText(null);
        List<JsonNode> mine = quarantined.stream()
                .filter(m -> byId != null ? byId.equals(m.path("id").asText())
                        : m.path("bodyPreview").asText().contains(c.marker())).toList();
        if (mine.size() != 1) {
            problems.add("expected one quarantined message " + (byId != null ? "with id " + byId : "holding '"
                    + c.marker() + "'") + ", found " + mine.size());
            return new Result(c, "not quarantined", null, problems);
        }
        JsonNode message = mine.get(0);
        String reason = message.path("reason").asText(null);
        checkReason(c, reason, problems);
        if (message.path("id").asText("").isBlank()) {
            problems.add("the quarantined message has no id: ops could not retry or discard it");
        }
        return new Result(c, "quarantined in " + message.path("queue").asText(), reason, problems);
    }

    private static void checkReason(BadInputCase c, String reason, List<String> problems) {
        if (reason == null || reason.isBlank()) {
            problems.add("no reason given");
            return;
        }
        for (String wanted : c.reasons()) {
            if (!reason.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT))) {
                problems.add("reason lacks '" + wanted + "'");
            }
        }
    }

    private List<JsonNode> failed(String address, String kind) {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode answer = readJson(restClient().get()
                    .uri("/api/ops/failed?address={a}&kind={k}&page={p}&size=200", address, kind, page)
                    .retrieve().body(String.class));
            answer.path("items").forEach(all::add);
            if (all.size() >= answer.path("total").asLong() || answer.path("items").isEmpty()) {
                return all;
            }
        }
    }

    private JsonNode connectorView(String id) {
        JsonNode all = readJson(restClient().get().uri("/api/connectors").retrieve().body(String.class));
        for (JsonNode connector : all) {
            if (connector.path("id").asText().equals(id)) {
                return connector;
            }
        }
        throw new AssertionError("no connector " + id);
    }

    private ConnectionFactory plainConnectionFactory() {
        return connectionFactory instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory()
                : connectionFactory;
    }

    private HubQueues queues() {
        return new HubQueues(broker);
    }

    private static void record(List<Result> results) {
        RESULTS.addAll(results);
    }

    private static void assertAllPassed(List<Result> results) {
        assertThat(results.stream().filter(r -> !r.passed())
                .map(r -> r.testCase() + ": " + r.problems() + " (outcome " + r.outcome() + ", reason " + r.reason() + ")")
                .toList()).isEmpty();
    }

    /** Samples the heap in use every 20 ms; also keeps the pools' own peaks. */
    static final class HeapWatch {
        private final AtomicLong peakUsed = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        private HeapWatch() {
            sampler = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (running) {
                    peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watch");
            sampler.setDaemon(true);
        }

        static HeapWatch start() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            watchCollections();
            HeapWatch watch = new HeapWatch();
            watch.sampler.start();
            return watch;
        }

        private static final AtomicLong LIVE_PEAK = new AtomicLong();

        /** After each collection, the heap still in use: its maximum is the peak live set. */
        private static void watchCollections() {
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof javax.management.NotificationEmitter emitter) {
                    emitter.addNotificationListener((notification, handback) -> {
                        long used = ManagementFactory.getMemoryPoolMXBeans().stream()
                                .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null)
                                .mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
                        LIVE_PEAK.accumulateAndGet(used, Math::max);
                    }, null, null);
                }
            }
        }

        long peakLive() {
            return LIVE_PEAK.get();
        }

        void stop() {
            running = false;
        }

        long peakSampled() {
            return peakUsed.get();
        }

        /** Sum of the heap pools' peaks: an upper bound (each pool peaks at its own moment). */
        long peakOfPools() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        }

        /** The heap pools' largest occupancy right after a collection: the live set the hub kept. */
        long peakAfterCollection() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .filter(p -> p.getCollectionUsage() != null).mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
        }

        long max() {
            return Runtime.getRuntime().maxMemory();
        }
    }
}
