package com.encours.hub.erp.odoo;

import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.erp.ErpContracts;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpPage.RecordType;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.OdooSimulator;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.encours.hub.erp.ErpContracts.bindings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Odoo source against the sandbox's Odoo over real HTTP, with the connector built from the real
 * descriptor: its retry budget, mappings and defaults are the ones that ship.
 */
class OdooContractTest {

    private static final int PAGE_SIZE = 40;

    private static final ConnectorDescriptor DESCRIPTOR = ErpContracts.descriptor("erp/odoo");

    private SandboxPortfolio portfolio;
    private OdooSimulator odoo;
    private PartnerSandbox sandbox;
    private OdooSource source;
    private final List<ErpPage> pages = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startSandbox() throws IOException {
        portfolio = new SandboxPortfolio();
        odoo = new OdooSimulator(portfolio);
        sandbox = ErpContracts.sandbox(odoo);
        source = new OdooSource(ErpContracts.partnerHttp(), new MutableClock(Instant.now()));
    }

    @AfterEach
    void stopSandbox() {
        sandbox.destroy();
    }

    @Test
    void fullExtractHandsOverEveryCustomerAndCustomerDocumentOnce() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);

        assertThat(source.protocol()).isEqualTo(DESCRIPTOR.spec().protocol());
        List<ErpPage> debtorPages = pages(RecordType.DEBTOR);
        assertThat(pages.indexOf(debtorPages.get(debtorPages.size() - 1))).as("debtors before their open items")
                .isLessThan(pages.indexOf(pages(RecordType.OPEN_ITEM).get(0)));
        assertThat(pages).allSatisfy(p -> assertThat(p.records()).isNotEmpty().hasSizeLessThanOrEqualTo(PAGE_SIZE));

        // the 50 customers share one write_date (one import): read by id, none twice, contacts left out
        assertThat(ids(RecordType.DEBTOR)).doesNotHaveDuplicates().hasSize(SandboxPortfolio.COMPANIES);
        assertThat(records(RecordType.DEBTOR)).allSatisfy(p -> assertThat(p.path("is_company").asBoolean()).isTrue());

        List<JsonNode> moves = records(RecordType.OPEN_ITEM);
        assertThat(ids(RecordType.OPEN_ITEM)).doesNotHaveDuplicates().hasSize(odoo.customerMoves());
        assertThat(moves).allSatisfy(move -> {
            assertThat(move.path("move_type").asText()).isIn("out_invoice", "out_refund");
            assertThat(move.path("state").asText()).isIn("posted", "cancel");
            assertThat(move.path("company_id").get(0).asLong()).isEqualTo(OdooSimulator.COMPANY_ID);
        });
        assertThat(moves).filteredOn(m -> m.path("move_type").asText().equals("out_refund")).hasSize(odoo.creditNotes());
        for (SandboxPortfolio.Invoice invoice : portfolio.invoices()) {
            JsonNode move = moves.stream().filter(m -> m.path("id").asLong() == odoo.moveId(invoice)).findFirst().orElseThrow();
            assertThat(move.path("amount_total").decimalValue()).isEqualByComparingTo(invoice.totalAmount());
            assertThat(move.path("amount_residual").decimalValue()).isEqualByComparingTo(invoice.remainingAmount());
        }

        JsonNode request = odoo.requestBodies().stream()
                .filter(b -> b.path("fields").toString().contains("amount_residual")).findFirst().orElseThrow();
        assertThat(request.path("limit").asInt()).isEqualTo(PAGE_SIZE);
        assertThat(request.path("order").asText()).isEqualTo("write_date asc, id asc");
        assertThat(request.path("context").path("allowed_company_ids").toString()).isEqualTo("[1]");
        assertThat(request.path("domain").toString())
                .contains("[\"move_type\",\"in\",[\"out_invoice\",\"out_refund\"]]", "[\"state\",\"in\",[\"posted\",\"cancel\"]]");
        assertThat(watermarks).containsOnlyKeys(OdooSource.PARTNERS, OdooSource.MOVES);
        assertThat(watermarks.get(OdooSource.MOVES)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}#\\d+");
    }

    /**
     * Odoo sorts write_date on its microseconds and shows it in whole seconds: inside one second the ids
     * do not come in order. Here 100 invoices paid in one second, the highest id first, spread over
     * several pages with the second before and after them; each must come exactly once.
     */
    @Test
    void recordsSharingOneSecondAreReadOnceAcrossPagesWhateverTheirIdOrder() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        Instant second = watermarkInstant(watermarks.get(OdooSource.MOVES)).plus(Duration.ofHours(1));
        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        List<String> paidInOneSecond = new ArrayList<>();
        for (int n = 100; n > 0; n--) {
            SandboxPortfolio.Invoice invoice = invoices.get(n);
            portfolio.pay(invoice.number(), new BigDecimal("1.00"), second.plus(101 - n, ChronoUnit.MICROS));
            paidInOneSecond.add(String.valueOf(odoo.moveId(invoice)));
        }
        List<String> before = new ArrayList<>();
        for (int n = 200; n < 230; n++) {
            portfolio.pay(invoices.get(n).number(), new BigDecimal("1.00"), second.minusSeconds(1).plus(n, ChronoUnit.MICROS));
            before.add(String.valueOf(odoo.moveId(invoices.get(n))));
        }
        String after = String.valueOf(odoo.moveId(invoices.get(300)));
        portfolio.pay(invoices.get(300).number(), new BigDecimal("1.00"), second.plusSeconds(1));
        pages.clear();

        Map<String, String> next = source.extract(connector(), watermarks, pages::add);

        assertThat(pages(RecordType.OPEN_ITEM)).hasSizeGreaterThan(3);
        assertThat(ids(RecordType.OPEN_ITEM)).doesNotHaveDuplicates().hasSize(131)
                .containsAll(paidInOneSecond).containsAll(before).contains(after);
        assertThat(next.get(OdooSource.MOVES)).isEqualTo(odooSeconds(second.plusSeconds(1)) + "#" + after);
        pages.clear();

        source.extract(connector(), next, pages::add);
        assertThat(pages).as("nothing changed since").isEmpty();
    }

    @Test
    void eachModelAnnouncesOdoosCountForTheExtractsProgress() {
        List<Long> announced = new ArrayList<>();
        source.extract(connector(), Map.of(), ErpContracts.recording(pages, announced));

        assertThat(announced).as("partners, then moves").hasSize(2);
        assertThat(announced.get(0)).isEqualTo(SandboxPortfolio.COMPANIES);
        long handedOver = pages.stream().mapToLong(page -> page.records().size()).sum();
        assertThat(announced.get(1)).as("the last total is what the extract handed over").isEqualTo(handedOver);
        assertThat(odoo.countRequests()).as("one search_count per model whose first page is full").isEqualTo(2);
    }

    @Test
    void nextExtractReadsOnlyWhatChangedSinceTheWatermark() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        pages.clear();
        int requestsBefore = odoo.apiRequests();

        Map<String, String> unchanged = source.extract(connector(), watermarks, pages::add);
        assertThat(pages).isEmpty();
        assertThat(unchanged).isEqualTo(watermarks);
        assertThat(odoo.apiRequests() - requestsBefore).as("rest of the last second, then past it, per model").isEqualTo(4);

        SandboxPortfolio.Invoice open = portfolio.invoices().stream()
                .filter(i -> i.remainingAmount().compareTo(i.totalAmount()) == 0).findFirst().orElseThrow();
        Instant paidAt = watermarkInstant(watermarks.get(OdooSource.MOVES)).plusSeconds(3600);
        portfolio.pay(open.number(), new BigDecimal("100.00"), paidAt);

        Map<String, String> afterPayment = source.extract(connector(), watermarks, pages::add);
        assertThat(pages).singleElement().satisfies(page -> assertThat(page.type()).isEqualTo(RecordType.OPEN_ITEM));
        JsonNode paid = records(RecordType.OPEN_ITEM).get(0);
        assertThat(paid.path("id").asLong()).isEqualTo(odoo.moveId(open));
        assertThat(paid.path("payment_state").asText()).isEqualTo("partial");
        assertThat(paid.path("amount_residual").decimalValue())
                .isEqualByComparingTo(open.totalAmount().subtract(new BigDecimal("100.00")));
        assertThat(afterPayment.get(OdooSource.MOVES)).isEqualTo(odooSeconds(paidAt) + "#" + odoo.moveId(open));
        assertThat(afterPayment.get(OdooSource.PARTNERS)).isEqualTo(watermarks.get(OdooSource.PARTNERS));
    }

    @Test
    void recordChangedJustBeforeTheExtractIsReadAgainNextTime() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        SandboxPortfolio.Invoice invoice = portfolio.invoices().get(7);
        Instant justNow = Instant.now();
        portfolio.pay(invoice.number(), new BigDecimal("5.00"), justNow);
        pages.clear();

        Map<String, String> next = source.extract(connector(), watermarks, pages::add);
        assertThat(ids(RecordType.OPEN_ITEM)).containsExactly(String.valueOf(odoo.moveId(invoice)));
        assertThat(watermarkInstant(next.get(OdooSource.MOVES)))
                .as("held behind the server clock by the late-commit window").isBefore(justNow.minusSeconds(60));
        pages.clear();

        source.extract(connector(), next, pages::add);
        assertThat(ids(RecordType.OPEN_ITEM)).as("a posting committed late would be caught now")
                .containsExactly(String.valueOf(odoo.moveId(invoice)));
    }

    @Test
    void wrongApiKeyFailsOnceWithoutRetrying() {
        ConnectorInstance wrongKey = connector(Map.of("apiKey", "revoked-key-0123"));

        assertThatThrownBy(() -> source.extract(wrongKey, Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/json/2/res.partner/search_read").doesNotContain("revoked-key-0123");
                });
        assertThat(odoo.apiRequests()).as("one call, never repeated: Odoo keys are rotated, not retried").isEqualTo(1);
        assertThat(pages).isEmpty();
    }

    @Test
    void unknownDatabaseFailsForGood() {
        assertThatThrownBy(() -> source.extract(connector(Map.of("database", "typo")), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(odoo.apiRequests()).isEqualTo(1);
    }

    @Test
    void waitsOutTooManyRequestsAndHonoursRetryAfter() {
        odoo.faults().once(Fault.tooManyRequests(1).onRequestsContaining("/account.move/")
                .withBody(OdooSimulator.errorBody("werkzeug.exceptions.TooManyRequests", "429 Too Many Requests", 429)));
        long started = System.nanoTime();

        source.extract(connector(), Map.of(), pages::add);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("Retry-After: 1").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(odoo.faults().injectedCount()).isEqualTo(1);
        assertThat(ids(RecordType.OPEN_ITEM)).doesNotHaveDuplicates().hasSize(odoo.customerMoves());
    }

    @Test
    void retriesServerErrorsWithBackoff() {
        Fault serverError = Fault.status(503).onRequestsContaining("/res.partner/")
                .withBody(OdooSimulator.errorBody("werkzeug.exceptions.ServiceUnavailable", "503 Service Unavailable", 503));
        odoo.faults().once(serverError).once(serverError);

        source.extract(connector(), Map.of(), pages::add);

        assertThat(odoo.faults().injectedCount()).isEqualTo(2);
        assertThat(ids(RecordType.DEBTOR)).hasSize(SandboxPortfolio.COMPANIES);
        assertThat(ids(RecordType.OPEN_ITEM)).hasSize(odoo.customerMoves());
    }

    @Test
    void refusedCallIsNotRetried() {
        odoo.faults().once(Fault.status(422).onRequestsContaining("/account.move/").withBody(OdooSimulator.errorBody(
                "builtins.ValueError", "Invalid field 'credit_limit' on model 'res.partner'", 422)));

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(odoo.faults().injectedCount()).isEqualTo(1);
        assertThat(pages(RecordType.OPEN_ITEM)).isEmpty();
    }

    @Test
    void serverThatIgnoresTheCursorStopsTheExtractInsteadOfLooping() {
        String samePageEveryTime = IntStream.rangeClosed(1, PAGE_SIZE)
                .mapToObj(id -> "{\"id\":" + id + ",\"write_date\":\"2026-11-02 09:14:27\"}")
                .collect(Collectors.joining(",", "[", "]"));
        odoo.faults().always(Fault.status(200).onRequestsContaining("/account.move/search_read").withBody(samePageEveryTime));

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("search_read on account.move", "paging cannot go on");
                });
        assertThat(odoo.faults().injectedCount()).as("the page, its second by id, the same again").isEqualTo(3);
    }

    @Test
    void pageThatIsNotJsonFailsForGoodNamingTheModel() {
        odoo.injectMove(9_999, Instant.now().minus(Duration.ofDays(3)), "{\"id\": 9999, \"name\": ");

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("search_read on account.move answered invalid JSON");
                });
    }

    @Test
    void malformedRecordIsHandedOverVerbatimAndRefusedAloneByTheMapping() {
        Instant writeDate = Instant.now().minus(Duration.ofDays(3));
        String malformed = "{\"id\":9999,\"name\":\"INV/2026/BROKEN\",\"move_type\":\"out_invoice\",\"state\":\"posted\","
                + "\"partner_id\":[7,\"x\"],\"invoice_date\":\"2026-11-02\",\"invoice_date_due\":\"2026-12-02\","
                + "\"amount_total\":100.0,\"amount_residual\":\"n/a\",\"currency_id\":[1,\"EUR\"],"
                + "\"payment_state\":\"not_paid\",\"write_date\":\"" + odooSeconds(writeDate) + "\",\"company_id\":[1,\"ACME Sandbox\"]}";
        odoo.injectMove(9_999, writeDate, malformed);
        ConnectorInstance connector = connector();

        source.extract(connector, Map.of(), pages::add);

        List<String> raw = pages(RecordType.OPEN_ITEM).stream().flatMap(p -> p.records().stream()).toList();
        assertThat(raw).hasSize(odoo.customerMoves() + 1).containsOnlyOnce(malformed);
        JsonataMapper mapper = ErpContracts.mapper();
        Map<String, Object> bindings = bindings(connector);
        assertThatThrownBy(() -> mapper.map(connector.mapping("openItem"), malformed, bindings))
                .isInstanceOf(MappingException.class).hasMessageContaining("amount_residual must be a number, was string n/a");
        assertThat(raw.stream().filter(r -> !r.equals(malformed))
                .map(r -> mapper.convert(mapper.map(connector.mapping("openItem"), r, bindings), OpenItem.class)))
                .as("the rest of the page goes on").hasSize(odoo.customerMoves());
    }

    @Test
    void everyRecordOfAFullExtractMapsToAValidCanonicalDocument() {
        ConnectorInstance connector = connector();
        source.extract(connector, Map.of(), pages::add);
        JsonataMapper mapper = ErpContracts.mapper();
        Map<String, Object> bindings = bindings(connector);

        List<Debtor> debtors = pages(RecordType.DEBTOR).stream().flatMap(p -> p.records().stream())
                .map(raw -> mapper.convert(mapper.map(connector.mapping("debtor"), raw, bindings), Debtor.class)).toList();
        List<OpenItem> items = pages(RecordType.OPEN_ITEM).stream().flatMap(p -> p.records().stream())
                .map(raw -> mapper.convert(mapper.map(connector.mapping("openItem"), raw, bindings), OpenItem.class)).toList();

        assertThat(ErpContracts.violations(debtors, items)).isEmpty();
        Map<String, SandboxPortfolio.Company> companies = new LinkedHashMap<>();
        for (int i = 0; i < portfolio.companies().size(); i++) {
            companies.put(String.valueOf(OdooSimulator.FIRST_PARTNER_ID + i), portfolio.companies().get(i));
        }
        assertThat(debtors).hasSize(SandboxPortfolio.COMPANIES).allSatisfy(d -> {
            assertThat(d.identifier(IdentifierScheme.VAT)).isEqualTo(companies.get(d.debtorRef()).vat());
            assertThat(d.internalCreditLimit()).isEqualByComparingTo(companies.get(d.debtorRef()).internalLimit());
        });
        assertThat(items).hasSize(odoo.customerMoves()).allSatisfy(item ->
                assertThat(companies).as("every item's debtor is a debtor read").containsKey(item.debtorRef()));
        Map<String, OpenItem> byKey = items.stream().collect(Collectors.toMap(OpenItem::sourceItemKey, Function.identity()));
        for (SandboxPortfolio.Invoice invoice : portfolio.invoices()) {
            OpenItem item = byKey.get(String.valueOf(odoo.moveId(invoice)));
            assertThat(item.originalAmount()).isEqualByComparingTo(invoice.totalAmount());
            assertThat(item.openAmount()).isEqualByComparingTo(invoice.remainingAmount());
            assertThat(item.currency().getCurrencyCode()).isEqualTo(invoice.currency());
            assertThat(companies.get(item.debtorRef())).isEqualTo(invoice.customer());
        }
        assertThat(items.stream().map(OpenItem::status).collect(Collectors.toSet()))
                .isEqualTo(Set.of(ItemStatus.OPEN, ItemStatus.PARTIAL, ItemStatus.CLEARED, ItemStatus.CANCELLED));
        assertThat(items).filteredOn(i -> i.docType() == DocType.CREDIT_NOTE).hasSize(odoo.creditNotes());
    }

    private ConnectorInstance connector() {
        return connector(Map.of());
    }

    /** The connector with the sandbox's settings. */
    private ConnectorInstance connector(Map<String, String> overrides) {
        return ErpContracts.connector("odoo-contract", DESCRIPTOR, Duration.ofMinutes(1), Map.of(
                "baseUrl", sandbox.baseUrl() + "/odoo",
                "database", OdooSimulator.DATABASE,
                "apiKey", OdooSimulator.API_KEY,
                "companyIds", String.valueOf(OdooSimulator.COMPANY_ID),
                "company", "SANDBOX",
                "pageSize", String.valueOf(PAGE_SIZE)), overrides);
    }

    private List<ErpPage> pages(RecordType type) {
        return pages.stream().filter(p -> p.type() == type).toList();
    }

    private List<JsonNode> records(RecordType type) {
        return pages(type).stream().flatMap(p -> p.records().stream()).map(ErpContracts::tree).toList();
    }

    private List<String> ids(RecordType type) {
        return records(type).stream().map(r -> r.path("id").asText()).toList();
    }

    private static Instant watermarkInstant(String watermark) {
        return LocalDateTime.parse(watermark.substring(0, watermark.indexOf('#')), OdooSource.ODOO_DATETIME)
                .toInstant(ZoneOffset.UTC);
    }

    private static String odooSeconds(Instant instant) {
        return OdooSource.ODOO_DATETIME.format(instant.atOffset(ZoneOffset.UTC));
    }
}
