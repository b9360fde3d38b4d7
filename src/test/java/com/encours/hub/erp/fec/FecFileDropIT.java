package com.encours.hub.erp.fec;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.erp.drop.DropFileRefusedException;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.HttpClientErrorException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

import static com.encours.hub.erp.fec.FecFiles.invoice;
import static com.encours.hub.erp.fec.FecFiles.revenue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FEC files dropped in the inbox of a test connector, through the whole hub (mapping, erp.items, ledger
 * on PostgreSQL): a file opens its items, the next clears exactly what vanished from it, a truncated
 * file is applied nowhere, the same file twice is applied once, a dry run changes nothing. The methods
 * build on each other, in order, on one hub.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FecFileDropIT extends HubIntegrationTest {

    private static final String CONNECTOR = "fec-it";
    private static final Path DROP = Path.of("target", "it-data", "fec-" + UUID.randomUUID()).toAbsolutePath();
    private static final Path INBOX = DROP.resolve("inbox");
    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(90);

    @Autowired ErpExtract extract;
    @Autowired JdbcTemplate jdbc;
    @Autowired EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void fecConnector(DynamicPropertyRegistry registry) throws IOException {
        Files.createDirectories(INBOX);
        registry.add("hub.connectors." + CONNECTOR + ".descriptor", () -> "erp/fec");
        registry.add("hub.connectors." + CONNECTOR + ".schedule", () -> "1d");
        registry.add("hub.connectors." + CONNECTOR + ".properties.inbox", INBOX::toString);
        registry.add("hub.connectors." + CONNECTOR + ".properties.company", () -> "ACME-FR");
        registry.add("hub.connectors." + CONNECTOR + ".properties.settleTime", () -> "PT0S");
    }

    /** Invoices 1..10 of three customers, each with its revenue line. */
    private static List<FecFiles.Line> firstSnapshot() {
        List<FecFiles.Line> lines = new ArrayList<>();
        IntStream.rangeClosed(1, 10).forEach(n -> {
            lines.add(invoice(entry(n), "C00" + (n % 3), n + "00,00"));
            lines.add(revenue(entry(n), n + "00,00"));
        });
        return lines;
    }

    /** Invoices 9 and 10 paid (gone), invoice 1 reduced to 90,00, invoices 11 and 12 new. */
    private static List<FecFiles.Line> secondSnapshot() {
        List<FecFiles.Line> lines = new ArrayList<>();
        IntStream.rangeClosed(1, 8).forEach(n -> lines.add(invoice(entry(n), "C00" + (n % 3), n == 1 ? "90,00" : n + "00,00")));
        lines.add(invoice(entry(11), "C002", "1100,00"));
        lines.add(invoice(entry(12), "C000", "1200,00"));
        lines.add(revenue(entry(12), "1200,00"));
        return lines;
    }

    @Test
    @Order(1)
    void aFirstFileOpensEveryUnletteredCustomerLine() throws IOException {
        drop("ACMEFEC-1.txt", FecFiles.file(firstSnapshot()));

        assertThat(extract.run(CONNECTOR)).isTrue();
        awaitLedger();

        assertThat(items()).hasSize(10).allSatisfy((key, item) -> assertThat(item.status()).isEqualTo("OPEN"));
        assertThat(items().get("VE/" + entry(3) + "/411000/C000").openAmount()).isEqualByComparingTo("300.00");
        assertThat(jdbc.queryForObject("select name from debtor where debtor_key = ?", String.class,
                CONNECTOR + ":ACME-FR:C001")).isEqualTo("Client C001");
        assertThat(DROP.resolve("done/ACMEFEC-1.txt")).exists();
        assertThat(INBOX).isEmptyDirectory();
    }

    @Test
    @Order(2)
    void aDryRunTellsWhatTheNextFileWouldChangeAndChangesNothing() throws IOException {
        drop("ACMEFEC-2.txt", FecFiles.file(secondSnapshot()));
        Map<String, Item> before = items();

        assertThatThrownBy(() -> restClient(VIEWER).post().uri("/api/ops/connectors/{id}/dry-run", CONNECTOR)
                .retrieve().toBodilessEntity()).isInstanceOf(HttpClientErrorException.Forbidden.class);
        JsonNode dryRun = readJson(restClient(OPS).post().uri("/api/ops/connectors/{id}/dry-run", CONNECTOR)
                .retrieve().body(String.class));

        assertThat(dryRun.at("/outcome").asText()).isEqualTo("APPLY");
        assertThat(dryRun.at("/file").asText()).isEqualTo("ACMEFEC-2.txt");
        assertThat(dryRun.at("/newItems/count").asLong()).isEqualTo(2);
        assertThat(dryRun.at("/changed/count").asLong()).isEqualTo(1);
        assertThat(dryRun.at("/changed/sample/0").asText()).isEqualTo(itemKey(1, "C001"));
        assertThat(dryRun.at("/cleared/count").asLong()).isEqualTo(2);
        assertThat(texts(dryRun.at("/cleared/sample"))).containsExactlyInAnyOrder(itemKey(9, "C000"), itemKey(10, "C001"));
        assertThat(dryRun.at("/unchanged").asLong()).isEqualTo(7);
        assertThat(dryRun.at("/refused/count").asLong()).isZero();

        assertThat(items()).isEqualTo(before);
        assertThat(INBOX.resolve("ACMEFEC-2.txt")).exists();
    }

    @Test
    @Order(3)
    void theNextFileClearsExactlyTheItemsThatVanishedFromIt() {
        assertThat(extract.run(CONNECTOR)).isTrue();
        awaitLedger();

        Map<String, Item> items = items();
        assertThat(items).hasSize(12);
        assertThat(items.entrySet().stream().filter(e -> e.getValue().status().equals("CLEARED")).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("VE/" + entry(9) + "/411000/C000", "VE/" + entry(10) + "/411000/C001");
        assertThat(items.get("VE/" + entry(9) + "/411000/C000").openAmount()).isEqualByComparingTo("0");
        assertThat(items.get("VE/" + entry(1) + "/411000/C001").openAmount()).isEqualByComparingTo("90.00");
        assertThat(items.get("VE/" + entry(11) + "/411000/C002").status()).isEqualTo("OPEN");
        assertThat(items.values().stream().filter(i -> i.status().equals("OPEN"))).hasSize(10);
    }

    @Test
    @Order(4)
    void aTruncatedFileIsAppliedNowhereKeptWithItsReasonAndShownOnTheConnector() throws IOException {
        Map<String, Item> before = items();
        drop("ACMEFEC-3.txt", FecFiles.file(secondSnapshot().subList(0, 2)));

        assertThatThrownBy(() -> extract.run(CONNECTOR)).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("8 of the 10 open items");
        awaitLedger();

        assertThat(items()).isEqualTo(before);
        assertThat(DROP.resolve("error/ACMEFEC-3.txt")).exists();
        assertThat(Files.readString(DROP.resolve("error/ACMEFEC-3.txt.reason.txt")))
                .contains("8 of the 10 open items the hub holds for ACME-FR are absent from this file (80 %)")
                .contains("nothing was applied");
        JsonNode connector = connectorView();
        assertThat(connector.at("/lastError").asText()).contains("ACMEFEC-3.txt refused").contains("looks truncated");
        assertThat(connector.at("/lastErrorAt").isNull()).isFalse();
    }

    @Test
    @Order(5)
    void theSameFileDroppedAgainIsAppliedOnce() throws IOException {
        Map<String, Item> before = items();
        drop("ACMEFEC-2-again.txt", FecFiles.file(secondSnapshot()));

        assertThat(extract.run(CONNECTOR)).isTrue();
        awaitLedger();

        assertThat(items()).isEqualTo(before);
        assertThat(Files.readString(DROP.resolve("error/ACMEFEC-2-again.txt.reason.txt")))
                .contains("already imported").contains("ACMEFEC-2.txt");
        assertThat(jdbc.queryForObject("select count(*) from file_import where connector_id = ? and outcome = 'IMPORTED'",
                Long.class, CONNECTOR)).isEqualTo(2);
    }

    @Test
    @Order(6)
    void anItemThatReappearsIsOpenAgain() throws IOException {
        List<FecFiles.Line> lines = secondSnapshot();
        lines.add(invoice(entry(9), "C000", "900,00"));
        drop("ACMEFEC-4.txt", FecFiles.file(lines));

        assertThat(extract.run(CONNECTOR)).isTrue();
        awaitLedger();

        Item reopened = items().get("VE/" + entry(9) + "/411000/C000");
        assertThat(reopened.status()).isEqualTo("OPEN");
        assertThat(reopened.openAmount()).isEqualByComparingTo("900.00");
    }

    @Test
    @Order(7)
    void aDryRunNeedsAFileWaitingAndASnapshotConnector() {
        assertThatThrownBy(() -> restClient(OPS).post().uri("/api/ops/connectors/{id}/dry-run", CONNECTOR)
                .retrieve().toBodilessEntity()).isInstanceOf(HttpClientErrorException.NotFound.class)
                .hasMessageContaining("no settled file waits in the inbox of " + CONNECTOR);
        assertThatThrownBy(() -> restClient(OPS).post().uri("/api/ops/connectors/{id}/dry-run", "bc-sandbox")
                .retrieve().toBodilessEntity()).isInstanceOf(HttpClientErrorException.Conflict.class);
    }

    private record Item(String status, BigDecimal openAmount, String version) {
    }

    /** The ledger's items of the test connector by source key. */
    private Map<String, Item> items() {
        Map<String, Item> items = new TreeMap<>();
        jdbc.query("select source_item_key, status, open_amount, version from open_item where source_system = ?",
                rs -> {
                    items.put(rs.getString(1), new Item(rs.getString(2), rs.getBigDecimal(3).stripTrailingZeros(), rs.getString(4)));
                }, CONNECTOR);
        return items;
    }

    private JsonNode connectorView() {
        JsonNode connectors = readJson(restClient().get().uri("/api/connectors").retrieve().body(String.class));
        for (JsonNode connector : connectors) {
            if (connector.at("/id").asText().equals(CONNECTOR)) {
                return connector;
            }
        }
        throw new AssertionError(CONNECTOR + " not listed: " + connectors);
    }

    private void awaitLedger() {
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);
    }

    private static String entry(int n) {
        return String.format("VE%06d", n);
    }

    private static String itemKey(int n, String customer) {
        return CONNECTOR + ":ACME-FR:VE/" + entry(n) + "/411000/" + customer;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static void drop(String name, String text) {
        try {
            Files.writeString(INBOX.resolve(name), text, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
