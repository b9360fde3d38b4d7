package com.encours.hub.erp.exact;

import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.erp.ErpContracts;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpPage.RecordType;
import com.encours.hub.erp.VanishedItems;
import com.encours.hub.sandbox.ExactOnlineSimulator;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.encours.hub.erp.ErpContracts.bindings;
import static com.encours.hub.erp.ErpContracts.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Exact Online source against the sandbox's Exact Online over real HTTP, with the refresh token kept in
 * a real database (H2 in PostgreSQL mode, migrated by Flyway as the hub does). The connector is built from
 * the real descriptor. Time is a clock the test moves: the simulator's token lifetimes and minute windows
 * follow it, and the source's waits move it instead of sleeping.
 */
class ExactOnlineContractTest {

    private static final String CONNECTOR_ID = "exact-contract";
    private static final long BENELUX = ExactOnlineSimulator.BENELUX;
    private static final long FRANCE = ExactOnlineSimulator.FRANCE;

    private static final ConnectorDescriptor DESCRIPTOR = ErpContracts.descriptor("erp/exact-online");

    private MutableClock clock;
    private SandboxPortfolio portfolio;
    private ExactOnlineSimulator exact;
    private PartnerSandbox sandbox;
    private JdbcTemplate jdbc;
    private RefreshTokenStore store;
    private VanishedItems vanishedItems;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final List<ErpPage> pages = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        clock = new MutableClock(Instant.parse("2026-12-03T08:00:05Z"));
        portfolio = new SandboxPortfolio(clock, SandboxPortfolio.DEFAULT_SEED);
        exact = new ExactOnlineSimulator(portfolio, clock);
        sandbox = ErpContracts.sandbox(exact);
        DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:exact-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "hub", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        store = new RefreshTokenStore(jdbc, new JdbcTransactionManager(dataSource), clock);
        vanishedItems = new VanishedItems(new LedgerRepository(jdbc), new JdbcTransactionManager(dataSource), clock);
    }

    @AfterEach
    void stop() {
        sandbox.destroy();
        jdbc.execute("shutdown");
    }

    /** A hub instance: its own memory, the shared database; its waits move the clock. */
    private ExactOnlineSource hubInstance() {
        return new ExactOnlineSource(ErpContracts.partnerHttp(), store, vanishedItems, clock, wait -> {
            waits.add(wait);
            clock.advance(wait);
        });
    }

    @Test
    void fullExtractReadsCustomersThenReceivablesOfEachDivisionPageByPage() {
        ExactOnlineSource source = hubInstance();
        Map<String, String> watermarks = source.extract(connector(), Map.of(), pages::add);

        assertThat(source.protocol()).isEqualTo(DESCRIPTOR.spec().protocol());
        assertThat(pages.stream().map(p -> p.type() + " " + company(p)).distinct()).containsExactly(
                "DEBTOR BENELUX", "OPEN_ITEM BENELUX", "DEBTOR FRANCE", "OPEN_ITEM FRANCE");
        for (long division : List.of(BENELUX, FRANCE)) {
            String company = division == BENELUX ? "BENELUX" : "FRANCE";
            int receivables = exact.openInvoices(division).size() + exact.creditNoteHolders(division).size();
            assertThat(pages(RecordType.OPEN_ITEM, company)).as("pages of 60, the last one shorter")
                    .hasSize((receivables + 59) / 60)
                    .allSatisfy(page -> assertThat(page.records()).hasSizeBetween(1, ExactOnlineSimulator.PAGE_SIZE));
            assertThat(records(RecordType.OPEN_ITEM, company)).hasSize(receivables)
                    .allSatisfy(envelope -> assertThat(envelope.path("division").asLong()).isEqualTo(division));
            assertThat(records(RecordType.DEBTOR, company)).extracting(e -> e.path("record").path("Code").asText().trim())
                    .containsExactlyInAnyOrderElementsOf(exact.customers(division).stream()
                            .map(SandboxPortfolio.Company::number).toList());
        }
        assertThat(watermarks).containsOnlyKeys("Accounts@" + BENELUX, "Accounts@" + FRANCE);
        assertThat(exact.refreshes()).as("one access token for every call").isEqualTo(1);
        assertThat(exact.apiRequests()).isEqualTo(pages.size());
        assertThat(storedRefreshToken()).as("the rotated refresh token is kept")
                .isEqualTo(exact.currentRefreshToken()).isNotEqualTo(ExactOnlineSimulator.initialRefreshToken());
    }

    @Test
    void everyRecordOfAFullExtractMapsToAValidCanonicalDocument() {
        ConnectorInstance connector = connector();
        hubInstance().extract(connector, Map.of(), pages::add);
        JsonataMapper mapper = ErpContracts.mapper();

        List<Debtor> debtors = all(RecordType.DEBTOR).stream().map(raw ->
                mapper.convert(mapper.map(connector.mapping("debtor"), raw, bindings(connector)), Debtor.class)).toList();
        List<OpenItem> items = all(RecordType.OPEN_ITEM).stream().map(raw ->
                mapper.convert(mapper.map(connector.mapping("openItem"), raw, bindings(connector)), OpenItem.class)).toList();

        assertThat(ErpContracts.violations(debtors, items)).isEmpty();
        Map<String, SandboxPortfolio.Company> companies = portfolio.companies().stream()
                .collect(Collectors.toMap(SandboxPortfolio.Company::number, Function.identity()));
        assertThat(debtors).hasSize(portfolio.companies().size()).allSatisfy(debtor -> {
            SandboxPortfolio.Company company = companies.get(debtor.debtorRef());
            assertThat(debtor.company()).isEqualTo(ExactOnlineSimulator.divisionOf(company) == BENELUX ? "BENELUX" : "FRANCE");
            assertThat(debtor.internalCreditLimit()).isEqualByComparingTo(company.internalLimit());
        });
        assertThat(debtors).filteredOn(d -> d.identifier(IdentifierScheme.VAT) == null).as("entered without VAT")
                .isNotEmpty().allSatisfy(d -> assertThat(d.identifiers()).isNotEmpty());
        assertThat(debtors).filteredOn(d -> d.country().equals("NL"))
                .allSatisfy(d -> assertThat(d.identifier(IdentifierScheme.NL_KVK)).hasSize(8));
        Map<String, SandboxPortfolio.Invoice> invoices = portfolio.invoices().stream()
                .collect(Collectors.toMap(i -> i.number().replaceAll("\\D", ""), Function.identity()));
        assertThat(items).filteredOn(i -> i.docType() == DocType.INVOICE).allSatisfy(item -> {
            SandboxPortfolio.Invoice invoice = invoices.get(item.docNumber());
            assertThat(item.openAmount()).isEqualByComparingTo(invoice.remainingAmount());
            assertThat(item.currency().getCurrencyCode()).isEqualTo(invoice.currency());
            assertThat(item.debtorRef()).isEqualTo(invoice.customer().number());
            assertThat(item.dueDate()).isEqualTo(invoice.dueDate());
        });
        assertThat(items).filteredOn(i -> i.docType() == DocType.CREDIT_NOTE)
                .hasSize(exact.creditNoteHolders(BENELUX).size() + exact.creditNoteHolders(FRANCE).size())
                .allSatisfy(note -> assertThat(note.openAmount()).isEqualByComparingTo(ExactOnlineSimulator.CREDIT_NOTE_AMOUNT.negate()));
        assertThat(items).extracting(i -> i.currency().getCurrencyCode()).contains("EUR", "USD");
    }

    @Test
    void expiredAccessTokenIsRenewedWithTheRotatedRefreshTokenWhichIsStoredAgain() {
        ExactOnlineSource source = hubInstance();
        source.extract(connector(), Map.of(), pages::add);
        String firstRotation = storedRefreshToken();

        clock.advance(Duration.ofMinutes(9));
        source.extract(connector(), Map.of(), pages::add);
        assertThat(exact.refreshes()).as("a minute left on the access token: reused").isEqualTo(1);

        clock.advance(Duration.ofSeconds(45));
        source.extract(connector(), Map.of(), pages::add);
        assertThat(exact.refreshes()).as("15 seconds left: renewed").isEqualTo(2);
        assertThat(exact.refusedRefreshes()).as("never too early, never a spent token").isZero();
        assertThat(storedRefreshToken()).isEqualTo(exact.currentRefreshToken()).isNotEqualTo(firstRotation);
    }

    @Test
    void revokedAccessTokenIsRenewedOnce() {
        ExactOnlineSource source = hubInstance();
        source.extract(connector(), Map.of(), pages::add);
        exact.revokeAccessTokens();

        source.extract(connector(), Map.of(), pages::add);

        assertThat(exact.refreshes()).isEqualTo(2);
        assertThat(exact.refusedRefreshes()).isZero();
    }

    @Test
    void spentRefreshTokenIsRefusedOnceWithAClearAuthenticationErrorUntilAPersonAuthorisesAgain() {
        hubInstance().extract(connector(), Map.of(), pages::add);
        // the database comes back from a backup taken before the last rotation: it holds a spent token
        jdbc.update("update partner_token set refresh_token = ?, access_token = null, access_expires_at = null",
                ExactOnlineSimulator.initialRefreshToken());
        clock.advance(Duration.ofMinutes(11));
        int apiCalls = exact.apiRequests();
        pages.clear();

        assertThatThrownBy(() -> hubInstance().extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/api/oauth2/token", "refused the stored refresh token",
                                    "initialRefreshToken")
                            .doesNotContain(ExactOnlineSimulator.initialRefreshToken(), ExactOnlineSimulator.CLIENT_SECRET);
                });
        assertThat(exact.refusedRefreshes()).as("asked once, not retried").isEqualTo(1);
        assertThat(exact.apiRequests()).isEqualTo(apiCalls);
        assertThat(pages).isEmpty();

        // a person authorises the hub again and configures the new refresh token
        String authorisedAgain = exact.currentRefreshToken();
        hubInstance().extract(connector(Map.of("initialRefreshToken", authorisedAgain)), Map.of(), pages::add);
        assertThat(pages).isNotEmpty();
        assertThat(storedRefreshToken()).isEqualTo(exact.currentRefreshToken()).isNotEqualTo(authorisedAgain);
    }

    @Test
    void wrongClientSecretIsAnAuthenticationErrorNamingTheClient() {
        assertThatThrownBy(() -> hubInstance().extract(connector(Map.of("clientSecret", "not-the-secret")), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("client credentials").doesNotContain("not-the-secret");
                });
        assertThat(storedRefreshToken()).as("nothing was spent").isEqualTo(ExactOnlineSimulator.initialRefreshToken());
    }

    @Test
    void twoHubInstancesNeverPresentTheSameRefreshToken() throws Exception {
        hubInstance().extract(connector(), Map.of(), page -> { });
        clock.advance(Duration.ofMinutes(10));
        ExactOnlineSource first = hubInstance();
        ExactOnlineSource second = hubInstance();
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> first.extract(connector(), Map.of(), page -> { }), instances),
                    CompletableFuture.runAsync(() -> second.extract(connector(), Map.of(), page -> { }), instances)).get();
        } finally {
            instances.shutdownNow();
        }
        assertThat(exact.refreshes()).as("the first token, then one renewal shared by both instances").isEqualTo(2);
        assertThat(exact.refusedRefreshes()).isZero();
        assertThat(storedRefreshToken()).isEqualTo(exact.currentRefreshToken());
    }

    @Test
    void newRefreshTokenIsStoredBeforeTheAccessTokenIsUsedSoACrashThenLosesNothing() {
        // Exact answers the refresh, then the hub "dies" before any page is read
        exact.faults().always(Fault.status(503).onRequestsContaining("/api/v1/"));
        assertThatThrownBy(() -> hubInstance().extract(connector(), Map.of(), pages::add))
                .isInstanceOf(PartnerException.class);
        assertThat(exact.refreshes()).isEqualTo(1);
        assertThat(storedRefreshToken()).as("stored although no call succeeded with it")
                .isEqualTo(exact.currentRefreshToken()).isNotEqualTo(ExactOnlineSimulator.initialRefreshToken());

        // the hub starts again: nothing in memory, the database as it was left
        exact.faults().clear();
        clock.advance(Duration.ofMinutes(11));
        hubInstance().extract(connector(), Map.of(), pages::add);

        assertThat(pages).isNotEmpty();
        assertThat(exact.refreshes()).isEqualTo(2);
        assertThat(exact.refusedRefreshes()).isZero();
    }

    @Test
    void restartedInstanceReusesTheStoredAccessTokenInsteadOfRefreshingTooEarly() {
        hubInstance().extract(connector(), Map.of(), page -> { });
        clock.advance(Duration.ofMinutes(2));

        hubInstance().extract(connector(), Map.of(), pages::add);

        assertThat(pages).isNotEmpty();
        assertThat(exact.refreshes()).isEqualTo(1);
        assertThat(exact.refusedRefreshes()).isZero();
    }

    @Test
    void waitsForTheAnnouncedResetWhenTheMinuteBudgetIsSpent() {
        exact.spendMinuteBudget(BENELUX, ExactOnlineSimulator.CALLS_PER_MINUTE - 2);   // another application

        hubInstance().extract(connector(), Map.of(), pages::add);

        assertThat(exact.tooManyRequests()).as("paced by the headers, never refused").isZero();
        assertThat(waits).as("08:00:05 until the minute announced to reset at 08:01:00").containsExactly(Duration.ofSeconds(55));
        assertThat(all(RecordType.OPEN_ITEM)).hasSize(receivableCount());
    }

    @Test
    void tooManyRequestsWaitsForTheResetAndAsksAgain() {
        boolean[] spent = {false};
        hubInstance().extract(connector(), Map.of(), page -> {
            pages.add(page);
            if (!spent[0]) {
                // between two of our calls, another application spends the rest of Benelux's minute
                exact.spendMinuteBudget(BENELUX, ExactOnlineSimulator.CALLS_PER_MINUTE);
                spent[0] = true;
            }
        });

        assertThat(exact.tooManyRequests()).isEqualTo(1);
        assertThat(waits).as("until the reset the last answer announced").containsExactly(Duration.ofSeconds(55));
        assertThat(all(RecordType.OPEN_ITEM)).hasSize(receivableCount());
    }

    @Test
    void customersAreReadAgainOnlyWhenModifiedSinceTheWatermarkLessTheWindow() {
        ExactOnlineSource source = hubInstance();
        Map<String, String> watermarks = source.extract(connector(), Map.of(), page -> { });
        SandboxPortfolio.Company edited = exact.customers(FRANCE).get(0);
        exact.touchAccount(edited.number(), clock.instant());

        Map<String, String> next = source.extract(connector(), watermarks, pages::add);

        List<String> reread = records(RecordType.DEBTOR, "FRANCE").stream()
                .map(r -> r.path("record").path("Code").asText().trim()).toList();
        assertThat(reread).contains(edited.number()).hasSizeLessThan(exact.customers(FRANCE).size());
        assertThat(records(RecordType.DEBTOR, "BENELUX")).hasSizeLessThan(exact.customers(BENELUX).size());
        assertThat(next.get("Accounts@" + FRANCE)).isGreaterThan(watermarks.get("Accounts@" + FRANCE));
        assertThat(all(RecordType.OPEN_ITEM)).as("receivables: the whole snapshot every time").hasSize(receivableCount());
    }

    @Test
    void malformedRecordIsHandedOverVerbatimAndRefusedByTheMappingAlone() {
        String broken = "{\"HID\":1999999,\"AccountCode\":\"  C10010\",\"Amount\":\"n/a\",\"CurrencyCode\":\"EUR\","
                + "\"DueDate\":\"/Date(1767225600000)/\"}";
        exact.injectReceivable(FRANCE, broken);
        ConnectorInstance connector = connector();

        hubInstance().extract(connector, Map.of(), pages::add);

        ErpPage last = pages(RecordType.OPEN_ITEM, "FRANCE").get(pages(RecordType.OPEN_ITEM, "FRANCE").size() - 1);
        String envelope = last.records().get(last.records().size() - 1);
        assertThat(envelope).contains("\"record\":" + broken);
        JsonataMapper mapper = ErpContracts.mapper();
        assertThatThrownBy(() -> mapper.map(connector.mapping("openItem"), envelope, bindings(connector)))
                .isInstanceOf(MappingException.class).hasMessageContaining("Amount must be a number, was string n/a");
        assertThat(last.records().subList(0, last.records().size() - 1)).allSatisfy(raw ->
                assertThat(mapper.convert(mapper.map(connector.mapping("openItem"), raw, bindings(connector)), OpenItem.class))
                        .isNotNull());
    }

    @Test
    void pageThatIsNotJsonFailsTheExtractNamingThePath() {
        exact.injectReceivable(BENELUX, "{\"HID\": ");

        assertThatThrownBy(() -> hubInstance().extract(connector(), Map.of(), pages::add))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/api/v1/" + BENELUX + "/read/financial/ReceivablesList", "invalid JSON");
                });
    }

    @Test
    void divisionsPropertyThatCannotBeReadNamesTheProblem() {
        assertThatThrownBy(() -> hubInstance().extract(connector(Map.of("divisions", "101001 BENELUX")), Map.of(), pages::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("division=COMPANY");
        assertThatThrownBy(() -> hubInstance().extract(connector(Map.of("divisions", "101001=A, 101001=B")), Map.of(), pages::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
    }

    private int receivableCount() {
        return exact.openInvoices(BENELUX).size() + exact.openInvoices(FRANCE).size()
                + exact.creditNoteHolders(BENELUX).size() + exact.creditNoteHolders(FRANCE).size();
    }

    private String storedRefreshToken() {
        return store.current(CONNECTOR_ID).orElseThrow().refreshToken();
    }

    private ConnectorInstance connector() {
        return connector(Map.of());
    }

    /** The connector with the sandbox's settings. */
    private ConnectorInstance connector(Map<String, String> overrides) {
        return ErpContracts.connector(CONNECTOR_ID, DESCRIPTOR, Duration.ofMinutes(10), Map.of(
                "baseUrl", sandbox.baseUrl() + "/exact",
                "clientId", ExactOnlineSimulator.CLIENT_ID,
                "clientSecret", ExactOnlineSimulator.CLIENT_SECRET,
                "initialRefreshToken", ExactOnlineSimulator.initialRefreshToken(),
                "divisions", BENELUX + "=BENELUX, " + FRANCE + "=FRANCE"), overrides);
    }

    private static String company(ErpPage page) {
        return tree(page.records().get(0)).path("company").asText();
    }

    private List<ErpPage> pages(RecordType type, String company) {
        return pages.stream().filter(p -> p.type() == type && company(p).equals(company)).toList();
    }

    private List<JsonNode> records(RecordType type, String company) {
        return pages(type, company).stream().flatMap(p -> p.records().stream()).map(ErpContracts::tree).toList();
    }

    private List<String> all(RecordType type) {
        return pages.stream().filter(p -> p.type() == type).flatMap(p -> p.records().stream()).toList();
    }
}
