package com.encours.hub.ops;

import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.core.broker.HubAddresses;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jms.connection.CachingConnectionFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ops API against the real embedded broker and PostgreSQL: failed messages are put straight into the
 * dead-letter queue and the quarantine, as the broker and the quarantine would leave them.
 */
class OpsApiIT extends HubIntegrationTest {

    private static final String ENRICH = HubAddresses.fqqn(HubAddresses.LEDGER_CHANGES, "ledger.changes.enrich");
    private static final String DLQ = HubAddresses.deadLetterQueue(HubAddresses.LEDGER_CHANGES);
    private static final String QUARANTINE = HubAddresses.quarantineQueue(HubAddresses.ERP_ITEMS);

    @Autowired
    private TestRestTemplate http;
    @Autowired
    private ConnectionFactory connectionFactory;
    @Autowired
    private MessageFailures failures;
    @Autowired
    private CamelContext camel;

    /** The test plays the consumers of the flow queues: a flow route would take the retried message first. */
    @BeforeEach
    void stopFlowRoutes() throws Exception {
        camel.getRouteController().stopAllRoutes();
    }

    @Test
    void listsDeadLettersAndQuarantinedMessagesWithWhyTheyFailed() throws Exception {
        String dead = newId("dead");
        String invalid = newId("invalid");
        String longBody = "{\"item\":\"" + "x".repeat(600) + "\"}";
        deadLetter(dead, longBody);
        Instant failedAt = Instant.parse("2026-11-24T10:15:30Z");
        failures.record(dead, HubAddresses.LEDGER_CHANGES, "bureau answered 503", "java.net.SocketTimeoutException", 3,
                failedAt);
        quarantined(invalid, "{\"bad\":true}", "dueDate is missing");

        JsonNode deadLetters = viewer().getForObject("/api/ops/failed?address=ledger.changes&kind=dlq&size=200",
                JsonNode.class);
        JsonNode listed = item(deadLetters, dead);
        assertThat(listed.path("kind").asText()).isEqualTo("dlq");
        assertThat(listed.path("address").asText()).isEqualTo("ledger.changes");
        assertThat(listed.path("queue").asText()).isEqualTo(DLQ);
        assertThat(listed.path("originQueue").asText()).isEqualTo("ledger.changes.enrich");
        assertThat(listed.path("reason").asText()).isEqualTo("bureau answered 503");
        assertThat(listed.path("attempts").asInt()).isEqualTo(3);
        assertThat(listed.path("firstFailureAt").asText()).isEqualTo("2026-11-24T10:15:30Z");
        assertThat(listed.path("lastFailureAt").asText()).isEqualTo("2026-11-24T10:15:30Z");
        assertThat(listed.path("headers").path(HubAddresses.MESSAGE_ID).asText()).isEqualTo(dead);
        assertThat(listed.path("headers").has(HubAddresses.DUPLICATE_ID)).isFalse();
        assertThat(listed.path("bodyPreview").asText()).isEqualTo(longBody.substring(0, 500));
        assertThat(listed.has("body")).isFalse();
        assertThat(deadLetters.path("items").findValuesAsText("id")).doesNotContain(invalid);

        JsonNode quarantine = item(viewer().getForObject("/api/ops/failed?kind=quarantine", JsonNode.class), invalid);
        assertThat(quarantine.path("kind").asText()).isEqualTo("quarantine");
        assertThat(quarantine.path("address").asText()).isEqualTo("erp.items");
        assertThat(quarantine.path("originQueue").asText()).isEqualTo("erp.items");
        assertThat(quarantine.path("reason").asText()).isEqualTo("dueDate is missing");
        assertThat(quarantine.path("firstFailureAt").asText()).isNotEmpty();

        JsonNode one = viewer().getForObject("/api/ops/failed/" + dead, JsonNode.class);
        assertThat(one.path("body").asText()).isEqualTo(longBody);
        assertThat(one.path("reason").asText()).isEqualTo("bureau answered 503");
    }

    @Test
    void retryPutsTheMessageBackOnTheQueueItFailedOnExactlyOnce() throws Exception {
        String id = newId("retry");
        String duplicateId = "dup-" + id;
        // The broker has already seen this duplicate id on ledger.changes: a resend keeping it would be dropped.
        publish(HubAddresses.LEDGER_CHANGES, "{\"first\":true}", Map.of(HubAddresses.MESSAGE_ID, "first-" + id,
                HubAddresses.DUPLICATE_ID, duplicateId));
        assertThat(receive(ENRICH, "first-" + id, 5_000)).isNotNull();
        deadLetter(id, "{\"n\":1}", duplicateId);
        failures.record(id, HubAddresses.LEDGER_CHANGES, "bureau down", "java.io.IOException", 3, Instant.now());

        ResponseEntity<JsonNode> retried = ops().postForEntity("/api/ops/failed/" + id + "/retry", null,
                JsonNode.class);

        assertThat(retried.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(retried.getBody().path("from").asText()).isEqualTo(DLQ);
        assertThat(retried.getBody().path("to").asText()).isEqualTo(ENRICH);
        Message back = receive(ENRICH, id, 5_000);
        assertThat(back).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) back).getText()).isEqualTo("{\"n\":1}");
        assertThat(back.getStringProperty("JMSXGroupID")).isEqualTo("debtor-42");
        assertThat(back.getStringProperty(HubAddresses.RECORD_TYPE)).isEqualTo("open-item");
        assertThat(back.propertyExists(FailedMessages.ORIG_QUEUE)).isFalse();
        assertThat(receive(ENRICH, id, 500)).as("delivered once").isNull();
        assertThat(viewer().getForEntity("/api/ops/failed/" + id, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(ops().postForEntity("/api/ops/failed/" + id + "/retry", null, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);

        JsonNode audit = viewer().getForObject("/api/ops/audit?subject=" + id, JsonNode.class);
        assertThat(audit.path("total").asInt()).isEqualTo(1);
        JsonNode event = audit.path("items").get(0);
        assertThat(event.path("action").asText()).isEqualTo("RETRY");
        assertThat(event.path("actor").asText()).isEqualTo(OPS);
        assertThat(event.path("detail").asText()).isEqualTo(DLQ + " -> " + ENRICH);
    }

    @Test
    void aQuarantinedMessageGoesBackToTheQueueThatRefusedIt() throws Exception {
        String id = newId("requeue");
        quarantined(id, "{\"fixed\":true}", "unknown hubRecordType");

        ResponseEntity<JsonNode> retried = ops().postForEntity("/api/ops/failed/" + id + "/retry", null,
                JsonNode.class);

        assertThat(retried.getStatusCode()).isEqualTo(HttpStatus.OK);
        Message back = receive(HubAddresses.fqqn("erp.items", "erp.items"), id, 5_000);
        assertThat(((TextMessage) back).getText()).isEqualTo("{\"fixed\":true}");
        assertThat(back.propertyExists(HubAddresses.FAILURE_REASON)).as("no longer quarantined").isFalse();
    }

    @Test
    void discardNeedsAReasonAndIsAudited() throws Exception {
        String id = newId("discard");
        deadLetter(id, "{\"n\":2}");
        failures.record(id, HubAddresses.LEDGER_CHANGES, "bureau down", "java.io.IOException", 3, Instant.now());
        String path = "/api/ops/failed/" + id + "/discard";

        assertThat(ops().postForEntity(path, Map.of(), JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(ops().postForEntity(path, Map.of("reason", " "), JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        ResponseEntity<JsonNode> discarded = ops().postForEntity(path,
                Map.of("reason", "duplicate of SI-103001, already paid"), JsonNode.class);

        assertThat(discarded.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(viewer().getForEntity("/api/ops/failed/" + id, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(failures.find(id)).isEmpty();
        JsonNode event = viewer().getForObject("/api/ops/audit?subject=" + id, JsonNode.class).path("items").get(0);
        assertThat(event.path("action").asText()).isEqualTo("DISCARD");
        assertThat(event.path("actor").asText()).isEqualTo(OPS);
        assertThat(event.path("detail").asText()).contains(DLQ).contains("duplicate of SI-103001, already paid");
    }

    @Test
    void bulkRetryTakesOnlyTheMessagesWhoseReasonMatches() throws Exception {
        String timedOut = newId("timeout");
        String refused = newId("refused");
        deadLetter(timedOut, "{\"n\":3}");
        deadLetter(refused, "{\"n\":4}");
        failures.record(timedOut, HubAddresses.LEDGER_CHANGES, "Read timed out", "java.net.SocketTimeoutException", 3,
                Instant.now());
        failures.record(refused, HubAddresses.LEDGER_CHANGES, "HTTP 422 refused", "java.io.IOException", 3,
                Instant.now());

        // No other message of this class failed with "timed out".
        JsonNode result = ops().postForObject(
                "/api/ops/failed/retry?address=ledger.changes&kind=dlq&reasonContains=TIMED OUT", null, JsonNode.class);

        assertThat(result.path("retried").asInt()).isEqualTo(1);
        assertThat(receive(ENRICH, timedOut, 5_000)).isNotNull();
        assertThat(viewer().getForEntity("/api/ops/failed/" + refused, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    @Test
    void unknownFiltersAreBadRequests() {
        assertThat(viewer().getForEntity("/api/ops/failed?kind=lost", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(viewer().getForEntity("/api/ops/failed?address=nowhere", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(viewer().getForEntity("/api/ops/failed?size=0", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
    }

    private TestRestTemplate viewer() {
        return http.withBasicAuth(VIEWER, PASSWORD);
    }

    private TestRestTemplate ops() {
        return http.withBasicAuth(OPS, PASSWORD);
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static JsonNode item(JsonNode page, String id) {
        return StreamSupport.stream(page.path("items").spliterator(), false)
                .filter(node -> id.equals(node.path("id").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not listed in " + page));
    }

    /** As the broker leaves a message after its last failed delivery on ledger.changes.enrich. */
    private void deadLetter(String id, String body) throws JMSException {
        deadLetter(id, body, "dup-" + id);
    }

    private void deadLetter(String id, String body, String duplicateId) throws JMSException {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(HubAddresses.MESSAGE_ID, id);
        properties.put(HubAddresses.RECORD_TYPE, "open-item");
        properties.put(HubAddresses.DUPLICATE_ID, duplicateId);
        properties.put(FailedMessages.ORIG_ADDRESS, HubAddresses.LEDGER_CHANGES);
        properties.put(FailedMessages.ORIG_QUEUE, "ledger.changes.enrich");
        properties.put("JMSXGroupID", "debtor-42");
        send(DLQ, body, properties);
    }

    /** As the quarantine leaves a message the ledger refused. */
    private void quarantined(String id, String body, String reason) throws JMSException {
        send(QUARANTINE, body, Map.of(HubAddresses.MESSAGE_ID, id, HubAddresses.FAILURE_REASON, reason,
                HubAddresses.ORIGIN_QUEUE, "erp.items", HubAddresses.QUARANTINED_AT, Instant.now().toString()));
    }

    private void send(String queue, String body, Map<String, Object> properties) throws JMSException {
        send(body, properties, session -> session.createQueue(queue));
    }

    /** To every queue of a multicast address, as the flows publish. */
    private void publish(String address, String body, Map<String, Object> properties) throws JMSException {
        send(body, properties, session -> session.createTopic(address));
    }

    private void send(String body, Map<String, Object> properties, DestinationOf destination) throws JMSException {
        try (Connection connection = plainConnectionFactory().createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            TextMessage message = session.createTextMessage(body);
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            MessageProducer producer = session.createProducer(destination.in(session));
            producer.send(message);
        }
    }

    /** The message with this hub id, or null if none arrives within the timeout. */
    private Message receive(String queue, String hubMessageId, long timeoutMillis) throws JMSException {
        try (Connection connection = plainConnectionFactory().createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                    HubAddresses.MESSAGE_ID + " = '" + hubMessageId + "'");
            return consumer.receive(timeoutMillis);
        }
    }

    private interface DestinationOf {
        Destination in(Session session) throws JMSException;
    }

    /** Without the session cache, so that a closed consumer holds no prefetched message. */
    private ConnectionFactory plainConnectionFactory() {
        return connectionFactory instanceof CachingConnectionFactory caching
                ? caching.getTargetConnectionFactory() : connectionFactory;
    }
}
