package com.encours.hub.erp.drop;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.encours.hub.support.SftpServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The generic drops through the whole hub (mapping, erp.items, ledger on PostgreSQL), with the layout files
 * shipped under mappings/: a CSV file with the plain column map (erp/csv-drop), a French échéancier with
 * its trailer line, an XML export through its stylesheet (erp/xml-drop), and a CSV file fetched from the
 * ERP's SFTP server (Apache MINA SSHD). What the snapshot machinery
 * does the same for every format (duplicates, row-count guardrail, dry run) is FecFileDropIT's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FileDropIT extends HubIntegrationTest {

    private static final Path DROP = Path.of("target", "it-data", "drops-" + UUID.randomUUID()).toAbsolutePath();
    private static final Path CSV_GOLDEN = Path.of("mappings/erp/csv-drop/golden");
    private static final Path XML_GOLDEN = Path.of("mappings/erp/xml-drop/golden");
    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(90);

    private static SftpServer sftp;

    @Autowired ErpExtract extract;
    @Autowired JdbcTemplate jdbc;
    @Autowired EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void dropConnectors(DynamicPropertyRegistry registry) throws IOException {
        // one item of three goes in the second file: more than the default guardrail share lets through
        connector(registry, "csv-it", "erp/csv-drop", "ACME-BE", Map.of("maxVanishedShare", "0.5"));
        connector(registry, "csv-fr-it", "erp/csv-drop", "ACME-FR", Map.of("columnMap", "erp/csv-drop/echeancier-fr.columns.json",
                "encoding", "UTF-8"));
        connector(registry, "xml-it", "erp/xml-drop", "ACME-NL", Map.of());
        sftp = new SftpServer(Files.createDirectories(DROP.resolve("sftp-server")));
        Files.createDirectories(sftp.root().resolve("exports"));
        connector(registry, "csv-sftp-it", "erp/csv-drop", "ACME-LU", Map.of("sftpHost", "127.0.0.1",
                "sftpPort", Integer.toString(sftp.port()), "sftpUsername", SftpServer.USER, "sftpDirectory", "exports",
                "sftpKnownHostsFile", sftp.knownHosts().toString()));
        // a secret comes from the environment only, as in production
        registry.add("hub.connectors.csv-sftp-it.properties.sftpPassword", () -> "${SFTP_IT_PASSWORD:" + SftpServer.PASSWORD + "}");
    }

    @AfterAll
    static void stopSftp() throws IOException {
        sftp.close();
    }

    private static void connector(DynamicPropertyRegistry registry, String id, String descriptor, String company,
                                  Map<String, String> properties) throws IOException {
        Files.createDirectories(inbox(id));
        String prefix = "hub.connectors." + id;
        registry.add(prefix + ".descriptor", () -> descriptor);
        registry.add(prefix + ".schedule", () -> "1d");
        registry.add(prefix + ".properties.inbox", () -> inbox(id).toString());
        registry.add(prefix + ".properties.company", () -> company);
        registry.add(prefix + ".properties.settleTime", () -> "PT0S");
        properties.forEach((name, value) -> registry.add(prefix + ".properties." + name, () -> value));
    }

    @Test
    @Order(1)
    void aCsvFileOpensItsItemsWithTheirCustomersAndQuarantinesItsBadLinesAlone() throws IOException {
        drop("csv-it", CSV_GOLDEN.resolve("open-items.mixed.input.csv"), "open-items-20261203.csv");

        assertThat(extract.run("csv-it")).isTrue();
        awaitFlows();

        Map<String, Item> items = items("csv-it");
        assertThat(items).containsOnlyKeys("INV-1001", "CRN-0007", "INV-1002");
        assertThat(items.get("INV-1001")).isEqualTo(new Item("INVOICE", "OPEN", new BigDecimal("1512.5")));
        assertThat(items.get("CRN-0007")).isEqualTo(new Item("CREDIT_NOTE", "OPEN", new BigDecimal("120.4")));
        assertThat(items.get("INV-1002").status()).isEqualTo("PARTIAL");
        assertThat(items.get("INV-1002").openAmount()).isEqualByComparingTo("480");
        JsonNode debtor = readJson(jdbc.queryForObject("select payload from debtor where debtor_key = ?", String.class,
                "csv-it:ACME-BE:C0042"));
        assertThat(debtor.at("/name").asText()).isEqualTo("Brasserie Dupont; Fils SA");
        assertThat(debtor.at("/internalCreditLimit").decimalValue()).isEqualByComparingTo("25000");
        assertThat(debtor.at("/blocked").asBoolean()).isFalse();
        assertThat(debtor.at("/dataErrors")).as("its VAT and KBO numbers check out").isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from debtor_identifier i join debtor d on d.hub_id = i.hub_id "
                + "where d.debtor_key = ? and i.scheme in ('VAT', 'BE_KBO')", Integer.class, "csv-it:ACME-BE:C0042")).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(quarantinedReasons())
                .anySatisfy(reason -> assertThat(reason).contains("record 5: has 4 fields, the header has 20"))
                .anySatisfy(reason -> assertThat(reason).contains("record 6: no item key: [DocumentNo] must not be blank")));
        assertThat(DROP.resolve("csv-it/done/open-items-20261203.csv")).exists();
    }

    @Test
    @Order(2)
    void theNextCsvFileClearsWhatVanishedFromIt() throws IOException {
        List<String> lines = Files.readAllLines(CSV_GOLDEN.resolve("open-items.mixed.input.csv"));
        // the credit note is gone (applied), the rest unchanged
        Files.write(inbox("csv-it").resolve("open-items-20261204.csv"),
                lines.stream().filter(line -> !line.contains("CRN-0007")).toList());

        assertThat(extract.run("csv-it")).isTrue();
        awaitFlows();

        Map<String, Item> items = items("csv-it");
        assertThat(items.get("CRN-0007").status()).isEqualTo("CLEARED");
        assertThat(items.get("INV-1001").status()).isEqualTo("OPEN");
    }

    @Test
    @Order(3)
    void aFrenchExportWithItsTrailerIsAppliedAndOneCutShortIsAppliedNowhere() throws IOException {
        drop("csv-fr-it", CSV_GOLDEN.resolve("echeancier-fr.with-trailer.input.csv"), "echeancier-1.csv");
        assertThat(extract.run("csv-fr-it")).isTrue();
        awaitFlows();
        assertThat(items("csv-fr-it")).containsOnlyKeys("VE/451", "VE/452");
        assertThat(items("csv-fr-it").get("VE/451").openAmount()).isEqualByComparingTo("1234.56");

        Files.writeString(inbox("csv-fr-it").resolve("echeancier-2.csv"),
                Files.readString(CSV_GOLDEN.resolve("echeancier-fr.with-trailer.input.csv")).replace("TOTAL;2\n", "")
                        .replace("VE;451", "VE;999"));
        assertThatThrownBy(() -> extract.run("csv-fr-it")).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("no trailer line");
        awaitFlows();

        assertThat(items("csv-fr-it")).containsOnlyKeys("VE/451", "VE/452")
                .allSatisfy((key, item) -> assertThat(item.status()).isEqualTo("OPEN"));
        assertThat(Files.readString(DROP.resolve("csv-fr-it/error/echeancier-2.csv.reason.txt"))).contains("cut short");
    }

    @Test
    @Order(4)
    void anXmlExportGoesThroughItsStylesheetAndHostileOrCutShortFilesAreRefusedWhole() throws IOException {
        drop("xml-it", XML_GOLDEN.resolve("open-items.external-entity.input.xml"), "export-0.xml");
        assertThatThrownBy(() -> extract.run("xml-it")).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("DOCTYPE is disallowed");
        assertThat(DROP.resolve("xml-it/error/export-0.xml")).exists();

        drop("xml-it", XML_GOLDEN.resolve("open-items.export.input.xml"), "export-1.xml");
        assertThat(extract.run("xml-it")).isTrue();
        awaitFlows();
        Map<String, Item> items = items("xml-it");
        assertThat(items).containsOnlyKeys("INV-1001", "CRN-0007", "INV-1002");
        assertThat(jdbc.queryForObject("select currency from open_item where source_system = 'xml-it' and source_item_key = ?",
                String.class, "INV-1002")).isEqualTo("USD");
        assertThat(readJson(jdbc.queryForObject("select payload from open_item where source_system = 'xml-it' "
                + "and source_item_key = ?", String.class, "INV-1002")).at("/disputeReason").asText()).isEqualTo("Damaged goods");

        drop("xml-it", XML_GOLDEN.resolve("open-items.declared-more.input.xml"), "export-2.xml");
        assertThatThrownBy(() -> extract.run("xml-it")).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("the file declares 4 items, it holds 3");
        assertThat(items("xml-it")).isEqualTo(items);
    }

    @Test
    @Order(5)
    void aFileLeftOnTheErpsSftpServerIsFetchedAppliedAndMovedAsideThere() throws IOException {
        Path remote = sftp.root().resolve("exports/open-items-20261203.csv");
        Files.copy(CSV_GOLDEN.resolve("open-items.mixed.input.csv"), remote);
        Files.setLastModifiedTime(remote, FileTime.from(Instant.now().minusSeconds(60)));

        assertThat(extract.run("csv-sftp-it")).isTrue();
        awaitFlows();

        assertThat(items("csv-sftp-it")).containsOnlyKeys("INV-1001", "CRN-0007", "INV-1002");
        assertThat(remote).doesNotExist();
        assertThat(sftp.root().resolve("exports/.hub-fetched/open-items-20261203.csv")).exists();
        assertThat(DROP.resolve("csv-sftp-it/done/open-items-20261203.csv")).exists();
    }

    private record Item(String docType, String status, BigDecimal openAmount) {
    }

    private Map<String, Item> items(String connector) {
        Map<String, Item> items = new TreeMap<>();
        jdbc.query("select source_item_key, doc_type, status, open_amount from open_item where source_system = ?",
                rs -> {
                    items.put(rs.getString(1), new Item(rs.getString(2), rs.getString(3),
                            rs.getBigDecimal(4).stripTrailingZeros()));
                }, connector);
        return items;
    }

    /** What ops read in GET /api/ops/failed?kind=quarantine. */
    private List<String> quarantinedReasons() {
        JsonNode failed = readJson(restClient().get().uri("/api/ops/failed?kind=quarantine&size=200")
                .retrieve().body(String.class));
        return failed.path("items").findValuesAsText("reason");
    }

    private void awaitFlows() {
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);
    }

    private static Path inbox(String connector) {
        return DROP.resolve(connector).resolve("inbox");
    }

    private static void drop(String connector, Path golden, String name) throws IOException {
        Files.copy(golden, inbox(connector).resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
