package com.encours.hub.erp.fec;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpRecordMapper;
import com.encours.hub.erp.VanishedItems;
import com.encours.hub.erp.drop.DropFileRefusedException;
import com.encours.hub.erp.drop.DropSettings;
import com.encours.hub.erp.drop.FileImports;
import com.encours.hub.erp.drop.SftpPickup;
import com.encours.hub.erp.drop.SnapshotImport;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.encours.hub.erp.fec.FecFiles.invoice;
import static com.encours.hub.erp.fec.FecFiles.revenue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The FEC source on its own, with the real mappings, validation and an in-memory H2 ledger (PostgreSQL
 * mode): what it hands over from a file, and what it refuses.
 */
class FecFileSourceTest {

    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static final String CONNECTOR = "fec-test";

    @TempDir
    Path drop;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final List<ErpPage> handedOver = new ArrayList<>();
    private Path inbox;
    private FecFileSource source;
    private ErpRecordMapper mapper;
    private ConnectorInstance connector;

    @AfterAll
    static void closeValidation() {
        VALIDATION.close();
    }

    @BeforeEach
    void hub() throws IOException {
        inbox = Files.createDirectories(drop.resolve("inbox"));
        connector = connector(Map.of());
        ConnectorCatalog catalog = catalog(Map.of());
        DriverManagerDataSource database = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "hub", "");
        Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(database);
        ObjectMapper json = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
        HubProperties home = new HubProperties();
        home.setHome(".");
        mapper = new ErpRecordMapper(catalog, new JsonataMapper(home, json), VALIDATION.getValidator(),
                new CanonicalJson(json, VALIDATION.getValidator()), 200, 8, 2);
        LedgerRepository ledger = new LedgerRepository(jdbc);
        source = new FecFileSource(catalog, new SnapshotImport(ledger,
                new VanishedItems(ledger, new DataSourceTransactionManager(database), clock),
                new FileImports(jdbc, clock), mapper, new SftpPickup(clock), clock));
    }

    @Test
    void aPipeFileGivesItsCustomerAccountsFirstThenItsUnletteredCustomerLinesWithTheirDecimalCommaAmounts() throws IOException {
        drop("FEC20261203.txt", FecFiles.file(List.of(
                invoice("VE000123", "C0042", "1512,50"), revenue("VE000123", "1512,50"),
                invoice("VE000124", "C0043", "80,00").set("EcritureLet", "AB").set("DateLet", "20261120"),
                revenue("VE000124", "80,00"),
                invoice("VE000125", "C0042", "0,00").set("Credit", "120,4").set("PieceRef", "AV-0125"))));

        extract();

        assertThat(handedOver).extracting(ErpPage::type)
                .containsExactly(ErpPage.RecordType.DEBTOR, ErpPage.RecordType.OPEN_ITEM);
        assertThat(handedOver.get(0).records()).as("one debtor per customer account, lettered lines included")
                .hasSize(2).allSatisfy(debtor -> assertThat(debtor).contains("\"CompAuxNum\":\"C004"));
        List<OpenItem> items = items(handedOver.get(1));
        assertThat(items).extracting(OpenItem::sourceItemKey)
                .containsExactly("VE/VE000123/411000/C0042", "VE/VE000125/411000/C0042");
        assertThat(items.get(0).docType()).isEqualTo(DocType.INVOICE);
        assertThat(items.get(0).openAmount()).isEqualByComparingTo("1512.50");
        assertThat(items.get(0).dueDate()).isEqualTo(LocalDate.of(2026, 12, 4));
        assertThat(items.get(1).docType()).isEqualTo(DocType.CREDIT_NOTE);
        assertThat(items.get(1).openAmount()).isEqualByComparingTo("120.40");
        assertThat(inbox).isEmptyDirectory();
        assertThat(drop.resolve("done/FEC20261203.txt")).exists();
    }

    @Test
    void theSampleFileOpensItsFourUnletteredCustomerLines() throws IOException {
        Path sample = Path.of("mappings/erp/fec/sample/ACMEFEC20261130.txt");
        drop(sample.getFileName().toString(), new String(Files.readAllBytes(sample), Charset.forName("ISO-8859-15")),
                Charset.forName("ISO-8859-15"));

        extract();

        assertThat(handedOver.get(0).records()).hasSize(4).anySatisfy(debtor -> assertThat(debtor).contains("Hôtel du Port"));
        List<OpenItem> items = items(handedOver.get(1));
        assertThat(items).extracting(OpenItem::docNumber)
                .containsExactly("FA-2026-0451", "FA-2026-0453", "AV-2026-0012", "FX-0007");
        assertThat(items.get(3).currency().getCurrencyCode()).isEqualTo("USD");
        assertThat(items.get(3).openAmount()).isEqualByComparingTo("5000.00");
    }

    @Test
    void aFileFarShorterThanTheLastAcceptedOneIsRefusedWhole() throws IOException {
        drop("FEC-full.txt", FecFiles.file(List.of(invoice("VE000001", "C0042", "1,00"), revenue("VE000001", "1,00"),
                invoice("VE000002", "C0042", "2,00"), revenue("VE000002", "2,00"))));
        extract();
        handedOver.clear();
        drop("FEC-short.txt", FecFiles.file(List.of(invoice("VE000001", "C0042", "1,00"))));

        assertThatThrownBy(this::extract).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("the file has 1 data lines, fewer than minRowRatio 0.5 of the 4");
        assertThat(handedOver).isEmpty();
        assertThat(drop.resolve("error/FEC-short.txt.reason.txt")).exists();
    }

    @Test
    void aTabFileWithCrlfATrailingSeparatorAndIso885915LabelsReadsTheSame() throws IOException {
        String text = FecFiles.file("\t", List.of(invoice("VE000123", "C0042", "1512,50").set("CompAuxLib", "Société Générale €"),
                        revenue("VE000123", "1512,50")))
                .replace("\n", "\t\r\n");
        drop("FEC-tab.txt", text, Charset.forName("ISO-8859-15"));

        extract();

        assertThat(handedOver.get(0).records().get(0)).contains("Société Générale €");
        assertThat(items(handedOver.get(1))).singleElement()
                .satisfies(item -> assertThat(item.openAmount()).isEqualByComparingTo("1512.50"));
    }

    @Test
    void aFileWithAUtf8ByteOrderMarkIsReadAsUtf8WhateverTheConnectorSays() throws IOException {
        String text = "\uFEFF" + FecFiles.file(List.of(invoice("VE000123", "C0042", "10,00").set("CompAuxLib", "Crème & Co")));
        drop("FEC-utf8.txt", text, StandardCharsets.UTF_8);

        extract();

        assertThat(handedOver.get(0).records().get(0)).contains("Crème & Co");
    }

    @Test
    void malformedLinesAreHandedOverAndRefusedByTheMappingNamingTheLineWhileTheOthersGoOn() throws IOException {
        String good = invoice("VE000123", "C0042", "1512,50").render("|");
        String shortLine = good.substring(0, good.lastIndexOf('|'));
        drop("FEC-bad.txt", FecFiles.file(List.of()) + String.join("\n",
                good,
                shortLine,
                invoice("VE000124", "C0042", "10,00").set("EcritureDate", "2026-11-05").render("|"),
                invoice("VE000125", "C0042", "1 512,50").render("|"),
                invoice("VE000126", "C0042", "1512.50").render("|"),
                invoice("VE000127", "C0042", "12,00").set("Credit", "3,00").render("|"),
                invoice("VE000128", "C0042", "20,00").render("|")) + "\n");

        extract();

        List<String> records = handedOver.get(1).records();
        assertThat(records).hasSize(7);
        assertThat(refusal(records.get(1))).contains("line 3: has 17 columns, 18 expected");
        assertThat(refusal(records.get(2))).contains("line 4: EcritureDate must be a date YYYYMMDD, was '2026-11-05'");
        assertThat(refusal(records.get(3))).contains("line 5: Debit must be an amount such as 1234,56");
        assertThat(refusal(records.get(4))).contains("line 6: Debit must be an amount").contains("1512.50");
        assertThat(refusal(records.get(5))).contains("line 7: Debit 12.00 and Credit 3.00 are both set");
        assertThat(mapper.openItem(connector, records.get(0)).openAmount()).isEqualByComparingTo("1512.50");
        assertThat(mapper.openItem(connector, records.get(6)).openAmount()).isEqualByComparingTo("20.00");
        assertThat(drop.resolve("done/FEC-bad.txt")).exists();
    }

    @Test
    void instalmentsOfOneEntryKeepTheirOwnKeysWhenAnEarlierOneIsLettered() throws IOException {
        drop("FEC-1.txt", FecFiles.file(List.of(
                invoice("VE000200", "C0042", "500,00"), invoice("VE000200", "C0042", "500,00"),
                revenue("VE000200", "1000,00"))));
        extract();
        assertThat(items(handedOver.get(1))).extracting(OpenItem::sourceItemKey)
                .containsExactly("VE/VE000200/411000/C0042", "VE/VE000200/411000/C0042#2");

        handedOver.clear();
        drop("FEC-2.txt", FecFiles.file(List.of(
                invoice("VE000200", "C0042", "500,00").set("EcritureLet", "AC"), invoice("VE000200", "C0042", "500,00"),
                revenue("VE000200", "1000,00"))));
        extract();
        assertThat(items(handedOver.get(1))).extracting(OpenItem::sourceItemKey)
                .containsExactly("VE/VE000200/411000/C0042#2");
    }

    @Test
    void aFileWithoutHeaderIsRefusedWholeAndKeptInTheErrorDirectoryWithItsReason() throws IOException {
        drop("FEC-noheader.txt", invoice("VE000123", "C0042", "1512,50").render("|") + "\n");

        assertThatThrownBy(this::extract).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("no header: column 1 of the first line is 'VE', expected JournalCode");

        assertThat(handedOver).isEmpty();
        assertThat(Files.readString(drop.resolve("error/FEC-noheader.txt.reason.txt"))).contains("no header");
        assertThat(drop.resolve("error/FEC-noheader.txt")).exists();
    }

    @Test
    void aHeaderWithTheWrongColumnCountIsRefused() throws IOException {
        String header = String.join("|", FecFiles.COLUMNS.subList(0, 17));
        drop("FEC-17.txt", header + "\n" + invoice("VE000123", "C0042", "1,00").render("|") + "\n");

        assertThatThrownBy(this::extract).isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("the header has 17 columns separated by pipe, 18 expected");
        assertThat(handedOver).isEmpty();
        assertThat(drop.resolve("error/FEC-17.txt.reason.txt")).exists();
    }

    @Test
    void theSameContentDroppedTwiceIsImportedOnce() throws IOException {
        String text = FecFiles.file(List.of(invoice("VE000123", "C0042", "1512,50")));
        drop("FEC-a.txt", text);
        extract();
        int pages = handedOver.size();

        drop("FEC-a-again.txt", text);
        extract();

        assertThat(handedOver).hasSize(pages);
        assertThat(Files.readString(drop.resolve("error/FEC-a-again.txt.reason.txt")))
                .contains("already imported").contains("FEC-a.txt");
    }

    @Test
    void aFileStillBeingWrittenIsLeftForALaterRun() throws IOException {
        connector = connector(Map.of("settleTime", "PT1M"));
        drop("FEC-fresh.txt", FecFiles.file(List.of(invoice("VE000123", "C0042", "1,00"))));

        extract();
        assertThat(handedOver).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        extract();
        assertThat(handedOver).isNotEmpty();
    }

    @Test
    void aRatioThatIsNoNumberStopsTheHubNamingTheProperty() {
        assertThatThrownBy(() -> catalog(Map.of("maxVanishedShare", "30%")).enabledInstances("erp")
                .forEach(DropSettings::of))
                .isInstanceOf(ConnectorConfigurationException.class)
                .hasMessageContaining("hub.connectors.fec-test.properties.maxVanishedShare")
                .hasMessageContaining("(e.g. 0.3), was '30%'");
    }

    private void extract() {
        source.extract(connector, Map.of(), handedOver::add);
    }

    private List<OpenItem> items(ErpPage page) {
        return page.records().stream().map(record -> mapper.openItem(connector, record)).toList();
    }

    private String refusal(String record) {
        try {
            OpenItem item = mapper.openItem(connector, record);
            throw new AssertionError("mapped, not refused: " + item);
        } catch (InvalidMessageException e) {
            return e.getMessage();
        }
    }

    private void drop(String name, String text) throws IOException {
        drop(name, text, StandardCharsets.ISO_8859_1);
    }

    private void drop(String name, String text, Charset charset) throws IOException {
        Path file = Files.write(inbox.resolve(name), text.getBytes(charset));
        Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    }

    private ConnectorCatalog catalog(Map<String, String> overrides) {
        HubProperties properties = new HubProperties();
        properties.setHome(".");
        HubProperties.ConnectorInstanceProperties instance = new HubProperties.ConnectorInstanceProperties();
        instance.setDescriptor("erp/fec");
        instance.getProperties().putAll(Map.of("inbox", inbox.toString(), "company", "ACME-FR", "settleTime", "PT0S"));
        instance.getProperties().putAll(overrides);
        properties.getConnectors().put(CONNECTOR, instance);
        return new ConnectorCatalog(properties, new StandardEnvironment());
    }

    private ConnectorInstance connector(Map<String, String> overrides) {
        return catalog(overrides).instance(CONNECTOR);
    }
}
