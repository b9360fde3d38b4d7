package com.encours.hub;

import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.support.StandaloneArtemis;
import com.encours.hub.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The production topology without Docker: the hub with the {@code production} profile (no embedded
 * broker, no sandbox, PostgreSQL) against the standalone Artemis distribution running our broker.xml,
 * as docker-compose runs them. Proves the hub starts and is healthy there, that the broker carries the
 * declared topology and policy, and that pending messages survive a kill -9 of the broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("production")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionProfileIT {

    private static final String VIEWER = "viewer";
    private static final String PASSWORD = "it-" + UUID.randomUUID();
    private static final StandaloneArtemis BROKER = StandaloneArtemis.create("production-it");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void production(DynamicPropertyRegistry registry) {
        BROKER.start();
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String schema = "hub_prod_it_" + run;
        registry.add("spring.artemis.broker-url", BROKER::url);
        registry.add("spring.artemis.user", BROKER::user);
        registry.add("spring.artemis.password", BROKER::password);
        registry.add("spring.datasource.url", () -> TestDatabase.jdbcUrl(schema));
        registry.add("spring.datasource.username", TestDatabase::user);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
        registry.add("hub.home", () -> Path.of("").toAbsolutePath().toString());
        registry.add("hub.data-dir", () -> Path.of("target", "it-data", run).toAbsolutePath().toString());
        registry.add("hub.security.users[0].name", () -> VIEWER);
        registry.add("hub.security.users[0].password", () -> PASSWORD);
        registry.add("hub.security.users[0].roles[0]", () -> "VIEWER");
        // Same account for Boot's own user store, which is the one in force as long as the hub declares
        // no user store of its own from hub.security.users.
        registry.add("spring.security.user.name", () -> VIEWER);
        registry.add("spring.security.user.password", () -> PASSWORD);
        registry.add("spring.security.user.roles", () -> "VIEWER");
    }

    /**
     * Hands the broker to the hub's context, which stops it when it closes: after Camel and the JMS
     * listeners have stopped (lifecycle), so the hub never spins on reconnecting to a broker gone first.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class BrokerStopsAfterHub {
        @Bean(destroyMethod = "close")
        StandaloneArtemis standaloneArtemis() {
            return BROKER;
        }
    }

    @Test
    @Order(1)
    void hubIsHealthyOnTheStandaloneBrokerAndPostgres() throws Exception {
        // Anonymous callers learn nothing about the components (refused outright once the hub's own
        // security requires authentication everywhere).
        HttpResponse<String> anonymous = get("/actuator/health", null);
        assertThat(anonymous.body()).doesNotContain("components");

        HttpResponse<String> health = get("/actuator/health", VIEWER + ":" + PASSWORD);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(health.body());
        assertThat(body.path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(body.path("components").path("jms").path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(body.path("components").path("db").path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(body.path("components").path("db").path("details").path("database").asText()).isEqualTo("PostgreSQL");
    }

    @Test
    @Order(2)
    void brokerHasEveryAddressAndQueueOfBrokerXml() throws Exception {
        List<CoreAddressConfiguration> declared = declaredAddresses();
        assertThat(declared).extracting(CoreAddressConfiguration::getName)
                .contains(HubAddresses.ERP_ITEMS, HubAddresses.deadLetterQueue(HubAddresses.ERP_ITEMS),
                        HubAddresses.quarantineQueue(HubAddresses.ERP_ITEMS));
        List<String> missing = new ArrayList<>();
        try (CoreSession core = new CoreSession(BROKER)) {
            for (CoreAddressConfiguration address : declared) {
                ClientSession.AddressQuery found = core.session.addressQuery(SimpleString.of(address.getName()));
                if (!found.isExists()) {
                    missing.add("address " + address.getName());
                    continue;
                }
                for (QueueConfiguration queue : address.getQueueConfigs()) {
                    ClientSession.QueueQuery q = core.session.queueQuery(queue.getName());
                    if (!q.isExists() || !q.isDurable() || !q.getAddress().toString().equals(address.getName())
                            || q.getRoutingType() != queue.getRoutingType()) {
                        missing.add("durable " + queue.getRoutingType() + " queue " + queue.getName() + " on " + address.getName());
                    }
                }
            }
            assertThat(missing).as("declared in broker.xml but not on the broker").isEmpty();
            // The hub's consumers are on its queues (the ledger reads erp.items).
            assertThat(core.session.queueQuery(SimpleString.of(HubAddresses.ERP_ITEMS)).getConsumerCount()).isPositive();
        }
    }

    @Test
    @Order(3)
    void addressSettingsOfBrokerXmlAreInForce() throws Exception {
        try (CoreSession core = new CoreSession(BROKER)) {
            JsonNode erpItems = core.addressSettings(HubAddresses.ERP_ITEMS);
            assertThat(erpItems.path("deadLetterAddress").asText()).as(erpItems.toString()).isEqualTo("DLQ.erp.items");
            // the test values given to the broker as system properties replaced broker.xml's defaults
            assertThat(erpItems.path("maxDeliveryAttempts").asInt()).as(erpItems.toString()).isEqualTo(3);
            // the backoff is the hub's (RedeliveryBackoff): a broker-side delay would break per-debtor order
            assertThat(erpItems.path("redeliveryDelay").asLong()).as(erpItems.toString()).isZero();
            assertThat(erpItems.path("sendToDLAOnNoRoute").asBoolean()).as(erpItems.toString()).isTrue();
            assertThat(erpItems.path("autoCreateAddresses").asBoolean(true)).as(erpItems.toString()).isFalse();

            JsonNode deadLetters = core.addressSettings(HubAddresses.deadLetterQueue(HubAddresses.ERP_ITEMS));
            assertThat(deadLetters.path("maxDeliveryAttempts").asInt()).as(deadLetters.toString()).isEqualTo(-1);

            // Nothing appears by accident: an address nobody declared is refused.
            assertThat(core.session.addressQuery(SimpleString.of("erp.itemz")).isExists()).isFalse();
        }
        try (Connection connection = jms().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createQueue("erp.itemz")).send(session.createTextMessage("lost")))
                    .hasMessageContaining("erp.itemz");
        }
    }

    @Test
    @Order(4)
    void pendingMessagesSurviveKillMinusNineOfTheBroker() throws Exception {
        String queue = HubAddresses.deadLetterQueue(HubAddresses.ERP_ITEMS);
        String marker = UUID.randomUUID().toString();
        List<String> sent = IntStream.range(0, 5).mapToObj(i -> marker + "-" + i).toList();
        try (Connection connection = jms().createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (String body : sent) {
                producer.send(session.createTextMessage(body));
            }
            session.commit();
        }
        try (CoreSession core = new CoreSession(BROKER)) {
            assertThat(core.session.queueQuery(SimpleString.of(queue)).getMessageCount()).isEqualTo(sent.size());
        }
        long killedPid = BROKER.pid();

        BROKER.kill();

        assertThat(ProcessHandle.of(killedPid).map(ProcessHandle::isAlive).orElse(false)).as("broker JVM killed").isFalse();
        BROKER.start();
        assertThat(BROKER.pid()).isNotEqualTo(killedPid);

        List<String> received = new ArrayList<>();
        try (Connection connection = jms().createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (TextMessage message; (message = (TextMessage) consumer.receive(5_000)) != null; ) {
                if (message.getText().startsWith(marker)) {
                    received.add(message.getText());
                }
                if (received.size() == sent.size()) {
                    break;
                }
            }
            session.commit();
        }
        assertThat(received).containsExactlyElementsOf(sent);

        // The hub comes back by itself: its ledger consumers reconnect to the restarted broker.
        try (CoreSession core = new CoreSession(BROKER)) {
            await("hub consumers back on erp.items").atMost(Duration.ofSeconds(60))
                    .until(() -> core.session.queueQuery(SimpleString.of(HubAddresses.ERP_ITEMS)).getConsumerCount() > 0);
        }
        await("hub healthy again").atMost(Duration.ofSeconds(30))
                .until(() -> get("/actuator/health", VIEWER + ":" + PASSWORD).statusCode() == 200);
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ActiveMQConnectionFactory jms() {
        return new ActiveMQConnectionFactory(BROKER.url(), BROKER.user(), BROKER.password());
    }

    private static List<CoreAddressConfiguration> declaredAddresses() throws Exception {
        try (InputStream in = new ClassPathResource("broker/broker.xml").getInputStream()) {
            return new FileConfigurationParser().parseMainConfig(in).getAddressConfigurations();
        }
    }

    /** A core-protocol session on the broker, for what JMS cannot ask: queue/address queries, management. */
    private static final class CoreSession implements AutoCloseable {
        final ServerLocator locator;
        final ClientSessionFactory factory;
        final ClientSession session;

        CoreSession(StandaloneArtemis broker) throws Exception {
            locator = ActiveMQClient.createServerLocator(broker.url());
            factory = locator.createSessionFactory();
            session = factory.createSession(broker.user(), broker.password(), false, true, true, false, 0);
            session.start();
        }

        JsonNode addressSettings(String address) throws Exception {
            try (ClientRequestor requestor = new ClientRequestor(session, ActiveMQDefaultConfiguration.getDefaultManagementAddress())) {
                ClientMessage request = session.createMessage(false);
                ManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, "getAddressSettingsAsJSON", address);
                ClientMessage reply = requestor.request(request, 10_000);
                assertThat(reply).as("management reply").isNotNull();
                assertThat(ManagementHelper.hasOperationSucceeded(reply)).as(String.valueOf(ManagementHelper.getResult(reply))).isTrue();
                return new ObjectMapper().readTree((String) ManagementHelper.getResult(reply, String.class));
            }
        }

        @Override
        public void close() throws Exception {
            try (locator; factory; session) {
                session.stop();
            }
        }
    }
}
