package com.encours.hub.erp.sap;

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
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.RawReply;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.SapS4Simulator;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static com.encours.hub.erp.ErpContracts.bindings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SAP S/4HANA source against the sandbox's SAP, over real HTTP: the connector is built from the real
 * descriptor, so its retry budget, mappings and defaults are the ones that ship.
 */
class SapS4ContractTest {

    private static final int PAGE_SIZE = 40;

    private static final ConnectorDescriptor DESCRIPTOR = ErpContracts.descriptor("erp/sap-s4hana");

    private SandboxPortfolio portfolio;
    private SapS4Simulator sap;
    private PartnerSandbox sandbox;
    private SapS4Source source;
    private final List<ErpPage> pages = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startSandbox() throws IOException {
        portfolio = new SandboxPortfolio();
        sap = new SapS4Simulator(portfolio);
        sandbox = ErpContracts.sandbox(sap);
        source = new SapS4Source(ErpContracts.partnerHttp(), new MutableClock(Instant.now()));
    }

    @AfterEach
    void stopSandbox() {
        sandbox.destroy();
    }

    @Test
    void fullExtractHandsOverCustomersThenOpenAndRecentlyClearedItemsOfBothCompanyCodes() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);

        assertThat(source.protocol()).isEqualTo(DESCRIPTOR.spec().protocol());
        List<ErpPage> debtorPages = pages(RecordType.DEBTOR);
        assertThat(pages.indexOf(debtorPages.get(debtorPages.size() - 1))).as("debtors before their open items")
                .isLessThan(pages.indexOf(pages(RecordType.OPEN_ITEM).get(0)));
        assertThat(pages).allSatisfy(p -> assertThat(p.records()).hasSizeLessThanOrEqualTo(PAGE_SIZE).isNotEmpty());

        assertThat(records(RecordType.DEBTOR)).extracting(r -> r.path("Customer").asText())
                .containsExactlyInAnyOrderElementsOf(portfolio.companies().stream().map(SapS4Simulator::customerNumber).toList());
        assertThat(stream(SapS4Source.OPEN_ITEMS)).hasSize(openInvoices() + partlyPaidInvoices())
                .allSatisfy(item -> assertThat(item.path("IsCleared").asBoolean()).isFalse());
        long lookback = LocalDate.now(ZoneOffset.UTC).minusDays(31).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        assertThat(stream(SapS4Source.CLEARED_ITEMS)).as("default clearedLookback of 31 days: only invoices paid since")
                .isNotEmpty().hasSizeLessThan(count(i -> i.remainingAmount().signum() == 0))
                .allSatisfy(item -> {
                    assertThat(item.path("IsCleared").asBoolean()).isTrue();
                    assertThat(odataDate(item.path("ClearingDate").asText())).isGreaterThanOrEqualTo(lookback);
                });

        assertThat(records(RecordType.OPEN_ITEM)).allSatisfy(item -> assertThat(item.path("TransactionCurrency").asText())
                .isEqualTo(item.path("CompanyCode").asText().equals(SapS4Simulator.DOLLAR_COMPANY_CODE) ? "USD" : "EUR"));
        assertThat(records(RecordType.OPEN_ITEM)).extracting(item -> item.path("CompanyCode").asText()).as("both company codes")
                .contains(SapS4Simulator.EURO_COMPANY_CODE, SapS4Simulator.DOLLAR_COMPANY_CODE);

        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        assertThat(watermarks).as("open items have no watermark: all of them are read every time")
                .containsExactlyInAnyOrderEntriesOf(Map.of(SapS4Source.CUSTOMERS, yesterday, SapS4Source.CLEARED_ITEMS, yesterday));
    }

    @Test
    void eachQueryAnnouncesSapsCountForTheExtractsProgress() {
        List<Long> announced = new ArrayList<>();
        source.extract(connector(), Map.of(), ErpContracts.recording(pages, announced));

        // customers, then open and cleared items of each of the two company codes
        assertThat(announced).hasSize(5).isSorted();
        assertThat(announced.get(0)).as("every business partner that is a customer, counted by SAP")
                .isEqualTo(portfolio.companies().size());
        long handedOver = pages.stream().mapToLong(page -> page.records().size()).sum();
        assertThat(announced.get(announced.size() - 1)).as("the last total is what the extract handed over")
                .isEqualTo(handedOver);
    }

    @Test
    void readsEveryWindowAskedWithTopAndSkip() {
        source.extract(connector(), Map.of(), pages::add);

        int euro = openItemsIn(SapS4Simulator.EURO_COMPANY_CODE);
        int dollar = openItemsIn(SapS4Simulator.DOLLAR_COMPANY_CODE);
        assertThat(pages(SapS4Source.OPEN_ITEMS)).as("%d + %d open items, %d a page", euro, dollar, PAGE_SIZE)
                .hasSize(ceil(euro) + ceil(dollar));
        int customers = portfolio.companies().size();
        List<String> cleared = stream(SapS4Source.CLEARED_ITEMS).stream().map(i -> i.path("CompanyCode").asText()).toList();
        int clearedEuro = Collections.frequency(cleared, SapS4Simulator.EURO_COMPANY_CODE);
        int clearedDollar = Collections.frequency(cleared, SapS4Simulator.DOLLAR_COMPANY_CODE);
        assertThat(sap.apiRequests()).isEqualTo(requests(customers) + requests(euro) + requests(dollar)
                + requests(clearedEuro) + requests(clearedDollar));
        assertThat(keys(stream(SapS4Source.OPEN_ITEMS))).doesNotHaveDuplicates();
    }

    @Test
    void followsNextLinksWhenSapPagesOnItsOwn() {
        source.extract(connector(), Map.of(), pages::add);
        List<String> byTopAndSkip = keys(records(RecordType.OPEN_ITEM));
        int requestsByTopAndSkip = sap.apiRequests();
        pages.clear();
        sap.serverPageSize(15);

        source.extract(connector(), Map.of(), pages::add);

        assertThat(keys(records(RecordType.OPEN_ITEM))).as("same items, same order").isEqualTo(byTopAndSkip);
        assertThat(pages).allSatisfy(p -> assertThat(p.records()).hasSizeLessThanOrEqualTo(15));
        assertThat(sap.apiRequests() - requestsByTopAndSkip).as("__next within each window").isGreaterThan(requestsByTopAndSkip);
    }

    @Test
    void nextExtractReadsOnlyWhatChangedOrWasClearedSinceTheWatermarkAndEveryOpenItemAgain() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        long since = LocalDate.parse(watermarks.get(SapS4Source.CLEARED_ITEMS)).atStartOfDay()
                .toInstant(ZoneOffset.UTC).toEpochMilli();
        pages.clear();

        Map<String, String> unchanged = source.extract(connector(), watermarks, pages::add);
        assertThat(pages(RecordType.DEBTOR)).isEmpty();
        assertThat(stream(SapS4Source.CLEARED_ITEMS)).as("only the re-read window")
                .allSatisfy(item -> assertThat(odataDate(item.path("ClearingDate").asText())).isGreaterThanOrEqualTo(since));
        assertThat(stream(SapS4Source.OPEN_ITEMS)).hasSize(openInvoices() + partlyPaidInvoices());
        assertThat(unchanged).isEqualTo(watermarks);
        int clearedBefore = stream(SapS4Source.CLEARED_ITEMS).size();

        SandboxPortfolio.Invoice open = portfolio.invoices().stream()
                .filter(i -> i.remainingAmount().compareTo(i.totalAmount()) == 0).findFirst().orElseThrow();
        portfolio.pay(open.number(), open.totalAmount(), Instant.now());
        pages.clear();

        source.extract(connector(), watermarks, pages::add);
        assertThat(stream(SapS4Source.CLEARED_ITEMS)).hasSize(clearedBefore + 1)
                .filteredOn(item -> item.path("AccountingDocument").asText().equals(SapS4Simulator.accountingDocument(open)))
                .singleElement().satisfies(item -> assertThat(item.path("IsCleared").asBoolean()).isTrue());
        assertThat(stream(SapS4Source.OPEN_ITEMS)).extracting(i -> i.path("AccountingDocument").asText())
                .doesNotContain(SapS4Simulator.accountingDocument(open));
    }

    @Test
    void companyCodesOfAnotherHubCompanyAreLeftToTheirOwnConnector() {
        source.extract(connector(Map.of("companyCodes", SapS4Simulator.DOLLAR_COMPANY_CODE, "company", "ACME-US")),
                Map.of(), pages::add);

        List<String> dollarCustomers = portfolio.invoices().stream().filter(i -> i.currency().equals("USD"))
                .map(i -> SapS4Simulator.customerNumber(i.customer())).distinct().toList();
        assertThat(records(RecordType.DEBTOR)).extracting(r -> r.path("Customer").asText())
                .containsExactlyInAnyOrderElementsOf(dollarCustomers);
        assertThat(records(RecordType.OPEN_ITEM)).isNotEmpty().allSatisfy(item ->
                assertThat(item.path("CompanyCode").asText()).isEqualTo(SapS4Simulator.DOLLAR_COMPANY_CODE));
    }

    @Test
    void wrongPasswordFailsOnceWithoutRetrying() {
        ConnectorInstance wrongPassword = connector(Map.of("password", "expired-password"));

        assertThatThrownBy(() -> source.extract(wrongPassword, Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/API_BUSINESS_PARTNER/A_BusinessPartner")
                            .doesNotContain("expired-password");
                });
        assertThat(sap.apiRequests()).as("no second login attempt: SAP locks users after failed logons").isEqualTo(1);
        assertThat(pages).isEmpty();
    }

    @Test
    void unknownSapClientIsRefusedLikeWrongCredentials() {
        assertThatThrownBy(() -> source.extract(connector(Map.of("sapClient", "200")), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThat(sap.apiRequests()).isEqualTo(1);
    }

    @Test
    void waitsOutTooManyRequestsAndHonoursRetryAfter() {
        sap.faults().once(Fault.tooManyRequests(1).onRequestsContaining("A_OperationalAcctgDocItemCube"));
        long started = System.nanoTime();

        source.extract(connector(), Map.of(), pages::add);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("Retry-After: 1").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(sap.faults().injectedCount()).isEqualTo(1);
        assertThat(stream(SapS4Source.OPEN_ITEMS)).hasSize(openInvoices() + partlyPaidInvoices());
    }

    @Test
    void retriesServiceUnavailableWithBackoff() {
        sap.faults().once(Fault.status(503).onRequestsContaining("A_BusinessPartner"))
                .once(Fault.status(503).onRequestsContaining("A_BusinessPartner"));

        source.extract(connector(), Map.of(), pages::add);

        assertThat(sap.faults().injectedCount()).isEqualTo(2);
        assertThat(records(RecordType.DEBTOR)).hasSize(portfolio.companies().size());
    }

    @Test
    void lastingOutageFailsAsTransientAfterTheRetryBudget() {
        sap.faults().always(Fault.status(500).onRequestsContaining("A_OperationalAcctgDocItemCube"));

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).as("the broker tries again later").isTrue();
                    assertThat(e.status()).isEqualTo(500);
                });
        assertThat(sap.faults().injectedCount()).isEqualTo(DESCRIPTOR.spec().retry().maxAttempts());
    }

    @Test
    void oddRecordIsHandedOverAsSentAndRefusedByTheMappingAlone() {
        String broken = "{\"CompanyCode\":\"1010\",\"FiscalYear\":\"2026\",\"AccountingDocument\":\"1899999999\","
                + "\"AccountingDocumentItem\":\"001\",\"FinancialAccountType\":\"D\",\"Customer\":\"1010000\","
                + "\"DebitCreditCode\":\"S\",\"NetDueDate\":\"/Date(1764633600000)/\",\"AmountInTransactionCurrency\":\"n/a\","
                + "\"TransactionCurrency\":\"EUR\",\"IsCleared\":false}";
        sap.injectOpenItem(broken);
        ConnectorInstance connector = connector();

        source.extract(connector, Map.of(), pages::add);

        List<String> raw = pages(SapS4Source.OPEN_ITEMS).stream().flatMap(p -> p.records().stream()).toList();
        assertThat(raw).hasSize(openInvoices() + partlyPaidInvoices() + 1).contains(broken);
        JsonataMapper mapper = ErpContracts.mapper();
        assertThatThrownBy(() -> mapper.map(connector.mapping("openItem"), broken, bindings(connector)))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("AmountInTransactionCurrency must be a decimal string");
        assertThat(raw.stream().filter(r -> !r.equals(broken)))
                .allSatisfy(r -> assertThat(mapper.map(connector.mapping("openItem"), r, bindings(connector))).isNotNull());
    }

    @Test
    void pageThatIsNotODataJsonFailsForGoodNamingThePath() {
        sap.rawReplies().once("A_BusinessPartner", RawReply.of(200, RawReply.TYPES.get("html"),
                "<html><body>Logon</body></html>".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner")
                            .contains("invalid JSON");
                });
    }

    @Test
    void nextLinkToAnotherHostIsNotFollowedWithTheCredentials() {
        sap.rawReplies().once("A_BusinessPartner", RawReply.of(200, RawReply.TYPES.get("json"),
                "{\"d\":{\"results\":[],\"__next\":\"https://collector.example/steal?$skiptoken=1\"}}".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e ->
                        assertThat(e.getMessage()).contains("points to another host: collector.example"));
    }

    @Test
    void malformedCompanyCodeIsAConfigurationErrorNotAFilter() {
        assertThatThrownBy(() -> source.extract(connector(Map.of("companyCodes", "1010,' or 1 eq 1")), Map.of(), pages::add))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("companyCodes").hasMessageContaining("' or 1 eq 1");
        assertThat(sap.apiRequests()).isZero();
    }

    @Test
    void everyRecordOfAFullExtractMapsToAValidCanonicalDocument() {
        ConnectorInstance connector = connector(Map.of("clearedLookback", "P365D"));
        source.extract(connector, Map.of(), pages::add);
        JsonataMapper mapper = ErpContracts.mapper();

        List<Debtor> debtors = pages(RecordType.DEBTOR).stream().flatMap(p -> p.records().stream())
                .map(raw -> mapper.convert(mapper.map(connector.mapping("debtor"), raw, bindings(connector)), Debtor.class)).toList();
        List<OpenItem> items = pages(RecordType.OPEN_ITEM).stream().flatMap(p -> p.records().stream())
                .map(raw -> mapper.convert(mapper.map(connector.mapping("openItem"), raw, bindings(connector)), OpenItem.class)).toList();

        assertThat(ErpContracts.violations(debtors, items)).isEmpty();
        assertThat(debtors).hasSize(portfolio.companies().size()).allSatisfy(d -> {
            SandboxPortfolio.Company company = portfolio.companies().stream()
                    .filter(c -> SapS4Simulator.customerNumber(c).equals(d.debtorRef())).findFirst().orElseThrow();
            assertThat(d.identifier(IdentifierScheme.VAT)).isEqualTo(company.vat());
            assertThat(d.company()).isEqualTo("SANDBOX");
        });
        assertThat(items).filteredOn(i -> i.docType() == DocType.INVOICE).hasSize(portfolio.invoices().size()).allSatisfy(item -> {
            SandboxPortfolio.Invoice invoice = portfolio.invoice(item.docNumber());
            assertThat(item.originalAmount()).isEqualByComparingTo(invoice.totalAmount());
            assertThat(item.openAmount()).isEqualByComparingTo(invoice.remainingAmount().signum() == 0
                    ? BigDecimal.ZERO : invoice.totalAmount());
            assertThat(item.currency().getCurrencyCode()).isEqualTo(invoice.currency());
            assertThat(item.debtorRef()).isEqualTo(SapS4Simulator.customerNumber(invoice.customer()));
            assertThat(item.sourceItemKey()).startsWith(SapS4Simulator.companyCode(invoice) + "/");
        });
        assertThat(items).filteredOn(i -> i.docType() == DocType.PAYMENT).as("one open payment per partly paid invoice")
                .hasSize(partlyPaidInvoices()).allSatisfy(payment -> assertThat(payment.status()).isEqualTo(ItemStatus.OPEN));
        assertThat(items.stream().map(OpenItem::status).distinct()).containsExactlyInAnyOrder(ItemStatus.OPEN, ItemStatus.CLEARED);
        assertThat(items.stream().map(OpenItem::dunningLevel).distinct()).contains(0, 1, 2);
        assertThat(items).anySatisfy(i -> assertThat(i.dunningBlocked()).isTrue());
    }

    private int openInvoices() {
        return count(i -> i.remainingAmount().signum() > 0);
    }

    private int partlyPaidInvoices() {
        return count(i -> i.remainingAmount().signum() > 0 && i.remainingAmount().compareTo(i.totalAmount()) < 0);
    }

    private int openItemsIn(String companyCode) {
        return (int) portfolio.invoices().stream().filter(i -> SapS4Simulator.companyCode(i).equals(companyCode))
                .filter(i -> i.remainingAmount().signum() > 0)
                .mapToInt(i -> i.remainingAmount().compareTo(i.totalAmount()) < 0 ? 2 : 1).sum();
    }

    /** Windows of PAGE_SIZE asked for this many records: a full window is followed by one more request. */
    private static int requests(int records) {
        return records / PAGE_SIZE + 1;
    }

    private static long odataDate(String value) {
        return Long.parseLong(value.replaceAll("^/Date\\((-?\\d+)\\)/$", "$1"));
    }

    private int count(Predicate<SandboxPortfolio.Invoice> which) {
        return (int) portfolio.invoices().stream().filter(which).count();
    }

    private static int ceil(int records) {
        return (records + PAGE_SIZE - 1) / PAGE_SIZE;
    }

    private ConnectorInstance connector() {
        return connector(Map.of());
    }

    /** The connector with the sandbox's settings. */
    private ConnectorInstance connector(Map<String, String> overrides) {
        return ErpContracts.connector("sap-contract", DESCRIPTOR, Duration.ofMinutes(1), Map.of(
                "baseUrl", sandbox.baseUrl() + SapS4Simulator.ODATA_ROOT,
                "sapClient", SapS4Simulator.SAP_CLIENT,
                "companyCodes", SapS4Simulator.EURO_COMPANY_CODE + "," + SapS4Simulator.DOLLAR_COMPANY_CODE,
                "company", "SANDBOX",
                "username", SapS4Simulator.USERNAME,
                "password", SapS4Simulator.PASSWORD,
                "pageSize", String.valueOf(PAGE_SIZE)), overrides);
    }

    private List<ErpPage> pages(RecordType type) {
        return pages.stream().filter(p -> p.type() == type).toList();
    }

    private List<ErpPage> pages(String stream) {
        return pages.stream().filter(p -> p.stream().equals(stream)).toList();
    }

    private List<JsonNode> records(RecordType type) {
        return pages(type).stream().flatMap(p -> p.records().stream()).map(ErpContracts::tree).toList();
    }

    private List<JsonNode> stream(String stream) {
        return pages(stream).stream().flatMap(p -> p.records().stream()).map(ErpContracts::tree).toList();
    }

    private static List<String> keys(List<JsonNode> items) {
        return items.stream().map(i -> i.path("CompanyCode").asText() + "/" + i.path("FiscalYear").asText() + "/"
                + i.path("AccountingDocument").asText() + "/" + i.path("AccountingDocumentItem").asText()).toList();
    }
}
