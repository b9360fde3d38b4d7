package com.encours.hub.reliability;

import com.encours.hub.config.HubProperties;
import com.encours.hub.sandbox.BusinessCentralSimulator;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubProcess;
import com.encours.hub.support.StandaloneArtemis;
import com.encours.hub.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of the reliability harness: the partner simulators in this JVM (so that killing a hub loses
 * none of their records), a standalone Artemis, a fresh PostgreSQL schema, and hubs as separate JVMs
 * from the packaged jar, configured like production: profile {@code production}, connectors in an extra
 * configuration file, secrets in the environment.
 */
final class Harness implements AutoCloseable {

    static final List<String> WORK_QUEUES = List.of("erp.items", "ledger.changes.enrich", "debtor.refresh",
            "finance.webhooks", "erp.write-back");
    static final List<String> DEAD_LETTER_QUEUES = List.of("DLQ.erp.items", "DLQ.ledger.changes", "DLQ.debtor.refresh",
            "DLQ.finance.webhooks", "DLQ.erp.write-back");
    static final List<String> QUARANTINE_QUEUES = List.of("invalid.erp.items", "invalid.ledger.changes",
            "invalid.debtor.refresh", "invalid.finance.webhooks", "invalid.erp.write-back");

    private static final String VIEWER = "reliability";
    private static final String FINANCE_SECRET = "reliability-webhook-" + UUID.randomUUID();
    private static final String CREDITSAFE_USER = "sandbox-user";
    private static final String CREDITSAFE_PASSWORD = "sandbox-password";

    final String name;
    final SandboxPortfolio portfolio;
    final BusinessCentralSimulator erp;
    final CreditsafeSimulator bureau;
    final FinanceWebhookReceiver finance;
    final StandaloneArtemis broker;
    final String schema;
    private final PartnerSandbox sandbox;
    private final Path runDirectory;
    private final String viewerPassword = "v-" + UUID.randomUUID();
    private final Map<String, HubProcess> hubs = new LinkedHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();
    private final Map<String, String> brokerProperties;

    /** @param brokerProperties hub.broker.* values, for the broker (attempts) and every hub (attempts, backoff) */
    Harness(String name, int companies, int invoices, long portfolioSeed, Map<String, String> brokerProperties)
            throws IOException {
        this.name = name;
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        this.runDirectory = Path.of("target", "reliability", name + "-" + run).toAbsolutePath();
        Files.createDirectories(runDirectory);
        this.schema = "hub_rel_" + name.replaceAll("[^a-z0-9]", "_") + "_" + run;
        this.portfolio = new SandboxPortfolio(companies, invoices, portfolioSeed);
        this.erp = new BusinessCentralSimulator(portfolio);
        this.bureau = new CreditsafeSimulator(portfolio, CREDITSAFE_USER, CREDITSAFE_PASSWORD, Clock.systemUTC());
        HubProperties receiverSettings = new HubProperties();
        HubProperties.Webhook webhook = new HubProperties.Webhook();
        webhook.setName("finance");
        webhook.setUrl("http://127.0.0.1/finance/webhook");
        webhook.setSecret(FINANCE_SECRET);
        receiverSettings.getFinance().getWebhooks().add(webhook);
        this.finance = new FinanceWebhookReceiver(receiverSettings, runDirectory);
        this.sandbox = new PartnerSandbox(0, List.of(erp, bureau, finance));
        this.broker = StandaloneArtemis.create("reliability-" + name, brokerProperties).start();
        this.brokerProperties = Map.copyOf(brokerProperties);
    }

    /** A hub JVM on this run's broker, database and sandbox (not started). */
    HubProcess hub(String hubName, Path jar) throws IOException {
        String base = "http://127.0.0.1:" + sandbox.port();
        Path config = runDirectory.resolve(hubName + "-connectors.yaml");
        Files.writeString(config, """
                # Generated by the reliability harness: connectors of the partner simulators of the test JVM.
                hub:
                  extract:
                    first-run-delay: 1s
                  bureau:
                    connector: creditsafe-rel
                  finance:
                    webhooks:
                      - name: finance-rel
                        url: %1$s/finance/webhook
                        secret: ${FINANCE_WEBHOOK_SECRET}
                  connectors:
                    bc-rel:
                      descriptor: erp/business-central
                      schedule: 10s
                      properties:
                        apiUrl: %1$s/bc/v2.0
                        tokenUrl: %1$s/bc/oauth2/v2.0/token
                        tenantId: %2$s
                        environment: %3$s
                        companyId: %4$s
                        company: CRONUS-BE
                        clientId: %5$s
                        clientSecret: ${BC_CLIENT_SECRET}
                    creditsafe-rel:
                      descriptor: bureau/creditsafe
                      properties:
                        baseUrl: %1$s/creditsafe/v1
                        username: %6$s
                        password: ${CREDITSAFE_PASSWORD}
                """.formatted(base, BusinessCentralSimulator.TENANT, BusinessCentralSimulator.ENVIRONMENT,
                BusinessCentralSimulator.COMPANY_ID, BusinessCentralSimulator.CLIENT_ID, CREDITSAFE_USER),
                StandardCharsets.UTF_8);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HUB_BROKER_URL", broker.url());
        env.put("HUB_BROKER_USER", broker.user());
        env.put("HUB_BROKER_PASSWORD", broker.password());
        env.put("HUB_DB_URL", TestDatabase.jdbcUrl(schema));
        env.put("HUB_DB_USER", TestDatabase.user());
        env.put("HUB_DB_PASSWORD", "");
        env.put("HUB_HOME", Path.of("").toAbsolutePath().toString());
        env.put("HUB_DATA_DIR", runDirectory.resolve(hubName + "-data").toString());
        env.put("BC_CLIENT_SECRET", BusinessCentralSimulator.CLIENT_SECRET);
        env.put("CREDITSAFE_PASSWORD", CREDITSAFE_PASSWORD);
        env.put("FINANCE_WEBHOOK_SECRET", FINANCE_SECRET);
        env.put("HUB_SECURITY_USERS_0_NAME", VIEWER);
        env.put("HUB_SECURITY_USERS_0_PASSWORD", viewerPassword);
        env.put("HUB_SECURITY_USERS_0_ROLES_0", "VIEWER");
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.profiles.active=production",
                "--spring.config.additional-location=file:" + config,
                "--spring.flyway.schemas=" + schema,
                "--spring.flyway.create-schemas=true",
                "--server.address=127.0.0.1"));
        brokerProperties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        HubProcess hub = new HubProcess(hubName, jar, runDirectory.resolve(hubName + ".log"),
                List.of("-Xms128m", "-Xmx512m"), arguments, env, VIEWER, viewerPassword);
        hubs.put(hubName, hub);
        return hub;
    }

    Path runDirectory() {
        return runDirectory;
    }

    // ---- what the partners saw ----------------------------------------------------------------

    /** Every delivery the finance receiver got, parsed, in receive order. */
    List<Parsed> deliveries() {
        List<Parsed> all = new ArrayList<>();
        for (FinanceWebhookReceiver.Delivery delivery : finance.deliveries()) {
            all.add(parsed.computeIfAbsent(delivery.idempotencyKey() + "|" + delivery.receivedAt() + "|"
                    + delivery.body().hashCode(), k -> parse(delivery)));
        }
        return all;
    }

    int distinctDeliveredItems() {
        Set<String> keys = new HashSet<>();
        for (FinanceWebhookReceiver.Delivery delivery : finance.deliveries()) {
            keys.add(delivery.idempotencyKey());
        }
        return keys.size();
    }

    private Parsed parse(FinanceWebhookReceiver.Delivery delivery) {
        try {
            JsonNode event = json.readTree(delivery.body());
            JsonNode item = event.path("item");
            return new Parsed(delivery.idempotencyKey(), event.path("eventId").asText(),
                    item.path("sourceItemKey").asText(), item.path("version").asText(), event.path("revision").asLong(),
                    item.path("debtorRef").asText(), item.path("sourceLastModified").asText(null),
                    delivery.receivedAt());
        } catch (IOException e) {
            throw new UncheckedIOException("finance receiver got a body that is not JSON", e);
        }
    }

    record Parsed(String idempotencyKey, String eventId, String itemKey, String version, long revision,
                  String debtorRef, String sourceLastModified, Instant receivedAt) {
    }

    /** Debtors that own at least one invoice: the ones the hub must assess. */
    int distinctDebtors() {
        Set<String> debtors = new HashSet<>();
        portfolio.invoices().forEach(i -> debtors.add(i.customer().number()));
        return debtors.size();
    }

    // ---- the hub's database -------------------------------------------------------------------

    long ledgerItems() {
        return queryLong("select count(*) from open_item");
    }

    Set<String> ledgerItemKeys() {
        Set<String> keys = new HashSet<>();
        try (Connection db = database(); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("select source_item_key from open_item")) {
            while (rows.next()) {
                keys.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger of " + schema, e);
        }
        return keys;
    }

    /** Current version of every ledger item, by source item key. */
    Map<String, String> ledgerVersions() {
        Map<String, String> versions = new HashMap<>();
        try (Connection db = database(); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("select source_item_key, version from open_item")) {
            while (rows.next()) {
                versions.put(rows.getString(1), rows.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger of " + schema, e);
        }
        return versions;
    }

    long queryLong(String sql) {
        try (Connection db = database(); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the hub has not created its tables yet
            }
            throw new IllegalStateException("cannot query " + schema + ": " + sql, e);
        }
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(schema), TestDatabase.user(), "");
    }

    // ---- the broker ---------------------------------------------------------------------------

    /** Messages in each queue (delivering and scheduled included); -1 for a queue the broker cannot be asked about now. */
    Map<String, Long> queueDepths(List<String> queues) {
        Map<String, Long> depths = new LinkedHashMap<>();
        try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.url()).setCallTimeout(5_000);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(broker.user(), broker.password(), false, true, true, false, 0)) {
            for (String queue : queues) {
                ClientSession.QueueQuery query = session.queueQuery(SimpleString.of(queue));
                depths.put(queue, query.isExists() ? query.getMessageCount() : -1L);
            }
        } catch (Exception brokerDown) {
            queues.forEach(q -> depths.put(q, -1L));
        }
        return depths;
    }

    boolean workQueuesEmpty() {
        return queueDepths(WORK_QUEUES).values().stream().allMatch(depth -> depth == 0);
    }

    long sum(Map<String, Long> depths) {
        return depths.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        for (HubProcess hub : hubs.values()) {
            hub.close();
        }
        broker.close();
        sandbox.destroy();
        try (Connection db = database(); Statement statement = db.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            // left behind: names are unique, nobody assumes the database is empty
        }
    }
}
