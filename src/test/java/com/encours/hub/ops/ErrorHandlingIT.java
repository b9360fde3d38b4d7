package com.encours.hub.ops;

import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code hub-errors} route configuration of routes/error-handling.camel.yaml on transacted JMS routes
 * like the flows': an invalid message is quarantined at once, any other failure is recorded at every attempt
 * until the broker moves the message to its dead-letter queue.
 */
class ErrorHandlingIT extends HubIntegrationTest {

    @Autowired
    private TestRestTemplate http;
    @Autowired
    private CamelContext camel;
    @Autowired
    private ProducerTemplate producer;
    @Autowired
    private MessageFailures failures;

    /** Failing stand-ins for the flow routes, which are stopped so that they do not take the messages. */
    @BeforeEach
    void failingRoutes() throws Exception {
        if (camel.getRoute("ops-it-erp-items") != null) {
            return;
        }
        camel.getRouteController().stopAllRoutes();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:erp.items?transacted=true&disableReplyTo=true").routeId("ops-it-erp-items")
                        .routeConfigurationId("hub-errors")
                        .process(exchange -> fail(exchange.getMessage().getHeader("mode", String.class)));
                from("jms:queue:ledger.changes::ledger.changes.enrich?transacted=true&disableReplyTo=true")
                        .routeId("ops-it-enrich").routeConfigurationId("hub-errors")
                        .process(exchange -> fail(exchange.getMessage().getHeader("mode", String.class)));
            }
        });
    }

    private static void fail(String mode) {
        if ("invalid".equals(mode)) {
            throw new InvalidMessageException("dueDate is missing");
        }
        throw new IllegalStateException("ledger unavailable");
    }

    @Test
    void anInvalidMessageIsQuarantinedAtOnceWithItsReason() {
        String id = "invalid-" + UUID.randomUUID();
        producer.sendBodyAndHeaders("jms:queue:erp.items", "{\"item\":1}",
                Map.of(HubAddresses.MESSAGE_ID, id, "mode", "invalid", "JMSXGroupID", "debtor-7"));

        JsonNode quarantined = awaitFailed(id);
        assertThat(quarantined.path("kind").asText()).isEqualTo("quarantine");
        assertThat(quarantined.path("queue").asText()).isEqualTo("invalid.erp.items");
        assertThat(quarantined.path("originQueue").asText()).isEqualTo("erp.items");
        assertThat(quarantined.path("reason").asText()).isEqualTo("dueDate is missing");
        assertThat(quarantined.path("headers").path(HubAddresses.QUARANTINED_AT).asText()).isNotEmpty();
        assertThat(quarantined.path("body").asText()).isEqualTo("{\"item\":1}");
        assertThat(failures.find(id)).as("never retried, so never recorded as a failed attempt").isEmpty();
    }

    @Test
    void aMessageOnAMulticastAddressIsQuarantinedWithTheQueueThatRefusedIt() {
        String id = "invalid-change-" + UUID.randomUUID();
        producer.sendBodyAndHeaders("jms:topic:ledger.changes", "{\"change\":1}",
                Map.of(HubAddresses.MESSAGE_ID, id, "mode", "invalid"));

        JsonNode quarantined = awaitFailed(id);
        assertThat(quarantined.path("queue").asText()).isEqualTo("invalid.ledger.changes");
        assertThat(quarantined.path("address").asText()).isEqualTo("ledger.changes");
        assertThat(quarantined.path("originQueue").asText()).isEqualTo("ledger.changes.enrich");
    }

    @Test
    void anotherFailureIsRecordedAtEveryAttemptUntilTheBrokerDeadLettersIt() {
        String id = "failing-" + UUID.randomUUID();
        producer.sendBodyAndHeaders("jms:queue:erp.items", "{\"item\":2}",
                Map.of(HubAddresses.MESSAGE_ID, id, "mode", "fail"));

        JsonNode dead = awaitFailed(id);
        assertThat(dead.path("kind").asText()).isEqualTo("dlq");
        assertThat(dead.path("queue").asText()).isEqualTo("DLQ.erp.items");
        assertThat(dead.path("originQueue").asText()).isEqualTo("erp.items");
        assertThat(dead.path("reason").asText()).isEqualTo("ledger unavailable");
        // hub.broker.max-delivery-attempts is 3 in the integration tests
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
        assertThat(failures.find(id)).hasValueSatisfying(failure -> {
            assertThat(failure.exceptionType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(failure.address()).isEqualTo("erp.items");
            assertThat(failure.lastFailureAt()).isAfter(failure.firstFailureAt());
        });
    }

    private JsonNode awaitFailed(String id) {
        TestRestTemplate viewer = http.withBasicAuth(VIEWER, PASSWORD);
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            ResponseEntity<JsonNode> response = viewer.getForEntity("/api/ops/failed/" + id, JsonNode.class);
            return response.getStatusCode() == HttpStatus.OK ? response.getBody() : null;
        }, body -> body != null);
    }
}
