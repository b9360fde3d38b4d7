package com.encours.hub.erp.businesscentral;

import com.encours.hub.support.MutableClock;
import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.erp.ErpContracts;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpPage.RecordType;
import com.encours.hub.sandbox.BusinessCentralSimulator;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Business Central source against the sandbox's Business Central, over real HTTP: the connector is
 * built from the real descriptor, so its retry budget, mappings and defaults are the ones that ship.
 */
class BusinessCentralContractTest {

    private static final int PAGE_SIZE = 40;
    private static final int CUSTOMER_PAGES = 2;
    /** 500 posted invoices and the drafts, 40 a page. */
    private static final int INVOICE_PAGES = 13;

    private static final ConnectorDescriptor DESCRIPTOR = ErpContracts.descriptor("erp/business-central");

    private SandboxPortfolio portfolio;
    private BusinessCentralSimulator businessCentral;
    private PartnerSandbox sandbox;
    private MutableClock clock;
    private BusinessCentralSource source;
    private final List<ErpPage> pages = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startSandbox() throws IOException {
        portfolio = new SandboxPortfolio();
        businessCentral = new BusinessCentralSimulator(portfolio);
        sandbox = ErpContracts.sandbox(businessCentral);
        clock = new MutableClock(Instant.now());
        source = new BusinessCentralSource(ErpContracts.partnerHttp(), clock);
    }

    @AfterEach
    void stopSandbox() {
        sandbox.destroy();
    }

    @Test
    void fullExtractHandsOverEveryCustomerAndPostedInvoicePageByPage() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);

        assertThat(source.protocol()).isEqualTo(DESCRIPTOR.spec().protocol());
        List<ErpPage> debtorPages = pages(RecordType.DEBTOR);
        List<ErpPage> invoicePages = pages(RecordType.OPEN_ITEM);
        assertThat(pages.indexOf(debtorPages.get(debtorPages.size() - 1))).as("debtors before their open items")
                .isLessThan(pages.indexOf(invoicePages.get(0)));
        assertThat(debtorPages).hasSize(CUSTOMER_PAGES).allSatisfy(p -> assertThat(p.stream()).isEqualTo("customers"));
        assertThat(invoicePages).hasSize(INVOICE_PAGES).allSatisfy(p -> assertThat(p.stream()).isEqualTo("salesInvoices"));
        assertThat(pages).allSatisfy(p -> assertThat(p.records()).hasSizeLessThanOrEqualTo(PAGE_SIZE).isNotEmpty());

        assertThat(numbers(RecordType.DEBTOR)).containsExactlyInAnyOrderElementsOf(
                portfolio.companies().stream().map(SandboxPortfolio.Company::number).toList());
        List<JsonNode> invoices = records(RecordType.OPEN_ITEM);
        assertThat(invoices).hasSize(SandboxPortfolio.INVOICES)
                .noneMatch(i -> i.path("status").asText().equals("Draft"));
        for (JsonNode invoice : invoices) {
            SandboxPortfolio.Invoice posted = portfolio.invoice(invoice.path("number").asText());
            assertThat(invoice.path("totalAmountIncludingTax").decimalValue()).isEqualByComparingTo(posted.totalAmount());
            assertThat(invoice.path("remainingAmount").decimalValue()).isEqualByComparingTo(posted.remainingAmount());
        }

        assertThat(businessCentral.tokenRequests()).as("one token for every page").isEqualTo(1);
        assertThat(businessCentral.apiRequests()).as("first pages plus each nextLink followed")
                .isEqualTo(CUSTOMER_PAGES + INVOICE_PAGES);
        assertThat(watermarks).containsOnlyKeys(BusinessCentralSource.CUSTOMERS, BusinessCentralSource.SALES_INVOICES);
        assertThat(Instant.parse(watermarks.get(BusinessCentralSource.SALES_INVOICES)))
                .as("drafts move the watermark too: they were read")
                .isAfter(invoices.stream().map(i -> Instant.parse(i.path("lastModifiedDateTime").asText()))
                        .max(Instant::compareTo).orElseThrow());
    }

    @Test
    void eachStreamAnnouncesItsTotalForTheExtractsProgress() {
        List<Long> announced = new ArrayList<>();
        source.extract(connector(), Map.of(), ErpContracts.recording(pages, announced));

        int customers = portfolio.companies().size();
        // invoices read include the drafts (@odata.count counts the collection), handed over without them
        assertThat(announced).containsExactly((long) customers,
                (long) customers + SandboxPortfolio.INVOICES + BusinessCentralSimulator.DRAFT_INVOICES);
    }

    @Test
    void nextExtractReadsOnlyWhatChangedSinceTheWatermark() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        pages.clear();

        Map<String, String> unchanged = source.extract(connector(), watermarks, pages::add);
        assertThat(pages).isEmpty();
        assertThat(unchanged).isEqualTo(watermarks);

        SandboxPortfolio.Invoice open = portfolio.invoices().stream()
                .filter(i -> i.remainingAmount().compareTo(i.totalAmount()) == 0).findFirst().orElseThrow();
        Instant paidAt = Instant.parse(watermarks.get(BusinessCentralSource.SALES_INVOICES)).plusSeconds(3600);
        portfolio.pay(open.number(), new BigDecimal("100.00"), paidAt);

        Map<String, String> afterPayment = source.extract(connector(), watermarks, pages::add);
        assertThat(pages).singleElement().satisfies(page -> assertThat(page.type()).isEqualTo(RecordType.OPEN_ITEM));
        JsonNode paid = records(RecordType.OPEN_ITEM).get(0);
        assertThat(paid.path("number").asText()).isEqualTo(open.number());
        assertThat(paid.path("remainingAmount").decimalValue())
                .isEqualByComparingTo(open.totalAmount().subtract(new BigDecimal("100.00")));
        assertThat(afterPayment.get(BusinessCentralSource.SALES_INVOICES)).isEqualTo(paidAt.toString());
        assertThat(afterPayment.get(BusinessCentralSource.CUSTOMERS)).isEqualTo(watermarks.get(BusinessCentralSource.CUSTOMERS));
        assertThat(businessCentral.tokenRequests()).as("the token outlives extracts").isEqualTo(1);
    }

    @Test
    void recordChangedJustBeforeTheExtractIsReadAgainNextTime() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        String number = portfolio.invoices().get(7).number();
        Instant justNow = Instant.now();
        portfolio.pay(number, new BigDecimal("5.00"), justNow);
        pages.clear();

        Map<String, String> next = source.extract(connector(), watermarks, pages::add);
        assertThat(numbers(RecordType.OPEN_ITEM)).containsExactly(number);
        assertThat(Instant.parse(next.get(BusinessCentralSource.SALES_INVOICES)))
                .as("held behind the server clock by the late-commit window").isBefore(justNow);
        pages.clear();

        source.extract(connector(), next, pages::add);
        assertThat(numbers(RecordType.OPEN_ITEM)).as("a posting committed late would be caught now").containsExactly(number);
    }

    @Test
    void waitsOutTooManyRequestsAndHonoursRetryAfter() {
        businessCentral.faults().once(Fault.tooManyRequests(1).onRequestsContaining("/salesInvoices"));

        source.extract(connector(), Map.of(), pages::add);

        assertThat(records(RecordType.OPEN_ITEM)).hasSize(SandboxPortfolio.INVOICES);
        assertThat(businessCentral.faults().injectedCount()).isEqualTo(1);
        assertThat(businessCentral.apiRequests()).as("the throttled page asked again, once")
                .isEqualTo(CUSTOMER_PAGES + INVOICE_PAGES);
    }

    @Test
    void retriesServiceUnavailableWithBackoff() {
        businessCentral.faults().once(Fault.status(503).onRequestsContaining("/customers"))
                .once(Fault.status(503).onRequestsContaining("/customers"));

        source.extract(connector(), Map.of(), pages::add);

        assertThat(businessCentral.faults().injectedCount()).isEqualTo(2);
        assertThat(records(RecordType.DEBTOR)).hasSize(SandboxPortfolio.COMPANIES);
        assertThat(records(RecordType.OPEN_ITEM)).hasSize(SandboxPortfolio.INVOICES);
    }

    @Test
    void wrongClientSecretFailsOnceWithoutRetrying() {
        ConnectorInstance wrongSecret = connector(Map.of("clientSecret", "expired-secret"));

        assertThatThrownBy(() -> source.extract(wrongSecret, Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/oauth2/v2.0/token").doesNotContain("expired-secret");
                });
        assertThat(businessCentral.tokenRequests()).isEqualTo(1);
        assertThat(businessCentral.apiRequests()).isZero();
        assertThat(pages).isEmpty();
    }

    @Test
    void revokedTokenIsRenewedOnce() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        businessCentral.revokeTokens();
        portfolio.pay(portfolio.invoices().get(0).number(), new BigDecimal("1.00"),
                Instant.parse(watermarks.get(BusinessCentralSource.SALES_INVOICES)).plusSeconds(60));
        pages.clear();

        source.extract(connector(), watermarks, pages::add);

        assertThat(records(RecordType.OPEN_ITEM)).hasSize(1);
        assertThat(businessCentral.tokenRequests()).isEqualTo(2);
    }

    @Test
    void tokenStillRefusedAfterRenewalFailsWithoutLooping() {
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        businessCentral.faults().always(Fault.status(401).onRequestsContaining("/api/v2.0/"));

        assertThatThrownBy(() -> source.extract(connector(), watermarks, pages::add))
                .isInstanceOf(PartnerAuthenticationException.class);
        assertThat(businessCentral.tokenRequests()).as("the first token, and one renewal").isEqualTo(2);
        assertThat(businessCentral.faults().injectedCount()).as("cached token, then renewed token").isEqualTo(2);
    }

    @Test
    void tokenIsRenewedShortlyBeforeItExpires() {
        source.extract(connector(), Map.of(), pages::add);
        clock.advance(Duration.ofMinutes(54));
        source.extract(connector(), Map.of(), pages::add);
        assertThat(businessCentral.tokenRequests()).as("59m59s token, 54 minutes old").isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        source.extract(connector(), Map.of(), pages::add);
        assertThat(businessCentral.tokenRequests()).as("less than 5 minutes left: renewed").isEqualTo(2);
    }

    @Test
    void concurrentExtractsShareOneToken() {
        ExecutorService extracts = Executors.newFixedThreadPool(4);
        try {
            CompletableFuture.allOf(IntStream.range(0, 4)
                    .mapToObj(i -> CompletableFuture.runAsync(() -> source.extract(connector(), Map.of(), page -> { }), extracts))
                    .toArray(CompletableFuture[]::new)).join();
        } finally {
            extracts.shutdownNow();
        }
        assertThat(businessCentral.tokenRequests()).isEqualTo(1);
        assertThat(businessCentral.apiRequests()).isEqualTo(4 * (CUSTOMER_PAGES + INVOICE_PAGES));
    }

    @Test
    void pageThatIsNotJsonFailsForGoodNamingThePath() {
        businessCentral.injectRecord("{\"id\": \"9e0f5c9c-0000-0000-0000-000000000000\", \"number\": ");

        assertThatThrownBy(() -> source.extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/api/v2.0/companies(" + BusinessCentralSimulator.COMPANY_ID
                            + ")/salesInvoices").contains("invalid JSON");
                });
    }

    @Test
    void oddRecordIsHandedOverAloneForTheMappingToQuarantine() {
        businessCentral.injectRecord("{\"number\":\"SI-BROKEN\",\"status\":\"Open\",\"remainingAmount\":\"n/a\"}");

        source.extract(connector(), Map.of(), pages::add);

        assertThat(records(RecordType.OPEN_ITEM)).hasSize(SandboxPortfolio.INVOICES + 1)
                .filteredOn(r -> r.path("number").asText().equals("SI-BROKEN")).singleElement()
                .satisfies(r -> assertThat(r.path("remainingAmount").asText()).isEqualTo("n/a"));
    }

    @Test
    void everyRecordOfAFullExtractMapsToAValidCanonicalDocument() {
        ConnectorInstance connector = connector();
        source.extract(connector, Map.of(), pages::add);
        JsonataMapper mapper = ErpContracts.mapper();
        Map<String, Object> bindings = Map.of("connectorId", connector.id(), "company", connector.property("company"),
                "localCurrency", connector.property("localCurrency"));

        List<Debtor> debtors = pages(RecordType.DEBTOR).stream().flatMap(p -> p.records().stream())
                .map(raw -> mapper.convert(mapper.map(connector.mapping("debtor"), raw, bindings), Debtor.class)).toList();
        List<OpenItem> items = pages(RecordType.OPEN_ITEM).stream().flatMap(p -> p.records().stream())
                .map(raw -> mapper.convert(mapper.map(connector.mapping("openItem"), raw, bindings), OpenItem.class)).toList();

        assertThat(ErpContracts.violations(debtors, items)).isEmpty();
        Map<String, SandboxPortfolio.Company> companies = portfolio.companies().stream()
                .collect(Collectors.toMap(SandboxPortfolio.Company::number, Function.identity()));
        assertThat(debtors).hasSize(SandboxPortfolio.COMPANIES).allSatisfy(d ->
                assertThat(d.identifier(IdentifierScheme.VAT)).isEqualTo(companies.get(d.debtorRef()).vat()));
        assertThat(items).hasSize(SandboxPortfolio.INVOICES).allSatisfy(item -> {
            SandboxPortfolio.Invoice invoice = portfolio.invoice(item.docNumber());
            assertThat(item.originalAmount()).isEqualByComparingTo(invoice.totalAmount());
            assertThat(item.openAmount()).isEqualByComparingTo(invoice.remainingAmount());
            assertThat(item.currency().getCurrencyCode()).isEqualTo(invoice.currency());
            assertThat(item.debtorRef()).isEqualTo(invoice.customer().number());
        });
        assertThat(items.stream().map(OpenItem::status).distinct())
                .containsExactlyInAnyOrder(ItemStatus.OPEN, ItemStatus.PARTIAL, ItemStatus.CLEARED);
    }

    @Test
    void writeBackSetsTheCreditLimitWithTheEtagItReadAndTheNextSyncSeesIt() {
        BusinessCentralWriteBack writeBack = new BusinessCentralWriteBack(source, ErpContracts.partnerHttp());
        SandboxPortfolio.Company company = portfolio.companies().get(3);
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);
        pages.clear();

        assertThat(writeBack.setCreditLimit(connector(), company.number(), new BigDecimal("42500.00"))).isTrue();
        assertThat(businessCentral.creditLimitOf(company.number())).isEqualByComparingTo("42500");
        assertThat(writeBack.setCreditLimit(connector(), company.number(), new BigDecimal("42500")))
                .as("the same limit again: nothing written").isFalse();
        assertThat(businessCentral.customerWrites()).isEqualTo(1);

        source.extract(connector(), watermarks, pages::add);
        assertThat(records(RecordType.DEBTOR)).as("the customer changed since the last sync")
                .singleElement().satisfies(customer -> {
                    assertThat(customer.path("number").asText()).isEqualTo(company.number());
                    assertThat(customer.path("creditLimit").decimalValue()).isEqualByComparingTo("42500");
                });
    }

    @Test
    void writeBackBlocksOnceAndNeverLightensABlockSomeoneSet() {
        BusinessCentralWriteBack writeBack = new BusinessCentralWriteBack(source, ErpContracts.partnerHttp());
        String first = portfolio.companies().get(0).number();

        assertThat(writeBack.block(connector(), first)).isTrue();
        assertThat(businessCentral.blockedOf(first)).isEqualTo("Ship");
        assertThat(writeBack.block(connector(Map.of("writeBackBlocked", "All")), first))
                .as("blocked already: left as it is").isFalse();
        assertThat(businessCentral.blockedOf(first)).isEqualTo("Ship");

        assertThatThrownBy(() -> writeBack.block(connector(Map.of("writeBackBlocked", "Everything")),
                portfolio.companies().get(1).number()))
                .isInstanceOf(PartnerException.class).hasMessageContaining("Ship, Invoice")
                .satisfies(e -> assertThat(((PartnerException) e).isTransient()).isFalse());
    }

    @Test
    void aCustomerChangedBetweenTheReadAndTheWriteIsReadAgainAndWrittenWithItsNewEtag() {
        BusinessCentralWriteBack writeBack = new BusinessCentralWriteBack(source, ErpContracts.partnerHttp());
        String number = portfolio.companies().get(5).number();
        businessCentral.changeAfterNextRead(number);

        assertThat(writeBack.setCreditLimit(connector(), number, new BigDecimal("10000"))).isTrue();

        assertThat(businessCentral.creditLimitOf(number)).isEqualByComparingTo("10000");
        assertThat(businessCentral.customerWrites()).isEqualTo(1);
    }

    @Test
    void anUnknownCustomerIsARefusalForGood() {
        BusinessCentralWriteBack writeBack = new BusinessCentralWriteBack(source, ErpContracts.partnerHttp());

        assertThatThrownBy(() -> writeBack.setCreditLimit(connector(), "C-NOBODY", BigDecimal.TEN))
                .isInstanceOf(PartnerException.class).hasMessageContaining("0 customer(s) numbered C-NOBODY")
                .satisfies(e -> assertThat(((PartnerException) e).isTransient()).isFalse());
        assertThat(businessCentral.customerWrites()).isZero();
    }

    private ConnectorInstance connector() {
        return connector(Map.of());
    }

    /** The connector with the sandbox's settings. */
    private ConnectorInstance connector(Map<String, String> overrides) {
        return ErpContracts.connector("bc-contract", DESCRIPTOR, Duration.ofMinutes(1), Map.of(
                "apiUrl", sandbox.baseUrl() + "/bc/v2.0",
                "tokenUrl", sandbox.baseUrl() + "/bc/oauth2/v2.0/token",
                "tenantId", BusinessCentralSimulator.TENANT,
                "environment", BusinessCentralSimulator.ENVIRONMENT,
                "companyId", BusinessCentralSimulator.COMPANY_ID,
                "company", "SANDBOX",
                "clientId", BusinessCentralSimulator.CLIENT_ID,
                "clientSecret", BusinessCentralSimulator.CLIENT_SECRET,
                "pageSize", String.valueOf(PAGE_SIZE)), overrides);
    }

    private List<ErpPage> pages(RecordType type) {
        return pages.stream().filter(p -> p.type() == type).toList();
    }

    private List<JsonNode> records(RecordType type) {
        return pages(type).stream().flatMap(p -> p.records().stream()).map(ErpContracts::tree).toList();
    }

    private List<String> numbers(RecordType type) {
        return records(type).stream().map(r -> r.path("number").asText()).toList();
    }
}
