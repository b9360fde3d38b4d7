package com.encours.hub.bureau.creditsafe;

import com.encours.hub.bureau.BureauAlert;
import com.encours.hub.support.MutableClock;
import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.SandboxPortfolio.Company;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Creditsafe Connect as the hub speaks it, against the sandbox simulator over real HTTP: the connector is
 * built from the real descriptor and mapping, the simulator answers from the sandbox portfolio.
 */
class CreditsafeContractTest {

    private static final String USERNAME = "contract-user";
    private static final String PASSWORD = "contract-password";
    private static final Duration TTL = Duration.ofDays(30);

    private static final SandboxPortfolio portfolio = new SandboxPortfolio();
    private static CreditsafeSimulator simulator;
    private static PartnerSandbox sandbox;
    private static ConnectorDescriptor descriptor;
    private static JsonataMapper mapper;
    private static JsonMapper json;

    /** Shared by client and simulator: token expiry is crossed by moving it, not by waiting. */
    private static final MutableClock clock = new MutableClock(Instant.now());
    private CreditsafeClient client;
    private ConnectorInstance connector;

    @BeforeAll
    static void startSandbox() throws Exception {
        simulator = new CreditsafeSimulator(portfolio, USERNAME, PASSWORD, clock);
        sandbox = new PartnerSandbox(0, List.of(simulator));
        descriptor = ConnectorCatalog.loadDescriptors(Path.of("connectors")).get("bureau/creditsafe");
        json = JsonMapper.builder().addModule(new JavaTimeModule()).build();
        HubProperties hub = new HubProperties();
        hub.setHome(".");
        mapper = new JsonataMapper(hub, json);
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.destroy();
    }

    @BeforeEach
    void freshClientAndSimulator() {
        simulator.reset();
        client = new CreditsafeClient(new PartnerHttp(new SimpleMeterRegistry()), mapper, json, TTL, clock);
        connector = instance("creditsafe-contract", PASSWORD);
    }

    @Test
    void descriptorDeclaresTheConnectorAndItsSecret() {
        assertThat(descriptor.spec().protocol()).isEqualTo(client.protocol());
        assertThat(descriptor.spec().definition().required()).contains("baseUrl", "username", "password");
        assertThat(descriptor.spec().definition().properties().get("password").isSecret()).isTrue();
        assertThat(descriptor.spec().definition().properties().get("username").isSecret()).isFalse();
    }

    @Test
    void notificationEventsAfterTheWatermarkNameTheCompanyByItsConnectId() {
        Company company = ratedWithNumericLimit("FR");
        Instant watermark = clock.instant();
        simulator.raiseEvent(company, 101, "International Score Band Change", "B", "D");
        clock.advance(Duration.ofMinutes(1));
        simulator.raiseEvent(company, 1801, "Company Status Change", "Active", "Insolvency");

        List<BureauAlert> all = client.changesSince(connector, watermark);
        List<BureauAlert> afterFirst = client.changesSince(connector, all.get(0).raisedAt());

        // the first event was raised at the watermark's instant itself: already covered, so skipped
        assertThat(all).extracting(BureauAlert::type).containsExactly("1801");
        assertThat(all.get(0).provider()).isEqualTo("creditsafe");
        assertThat(all.get(0).providerRef()).isEqualTo(CreditsafeSimulator.connectId(company));
        assertThat(all.get(0).description()).isEqualTo("Company Status Change (Active -> Insolvency)");
        assertThat(afterFirst).isEmpty();
    }

    @Test
    void belgianFrenchAndDutchDebtorsGetThePortfolioBandAndLimitExactly() {
        for (String country : List.of("BE", "FR", "NL")) {
            Company company = ratedWithNumericLimit(country);

            CreditAssessment assessment = client.assess(connector, debtor(country, vat(company)));

            assertThat(assessment.provider()).isEqualTo("creditsafe");
            assertThat(assessment.providerRef()).isEqualTo(CreditsafeSimulator.connectId(company));
            assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
            assertThat(assessment.providerScore()).isEqualTo(String.valueOf(company.providerScore()));
            assertThat(assessment.score()).isEqualTo(company.providerScore());
            assertThat(assessment.recommendedLimit()).isNotNull()
                    .usingComparator(BigDecimal::compareTo).isEqualTo(new BigDecimal(company.creditLimit()));
            assertThat(assessment.limitCurrency()).isEqualTo(Currency.getInstance("EUR"));
            assertThat(assessment.limitText()).isNull();
            assertThat(assessment.fetchedAt()).isEqualTo(clock.instant());
            assertThat(assessment.validUntil()).isEqualTo(clock.instant().plus(TTL));
        }
    }

    @Test
    void registrationNumberIsTheFallbackWhenTheVatNumberIsUnknown() {
        Company belgian = ratedWithNumericLimit("BE");
        Company french = ratedWithNumericLimit("FR");

        CreditAssessment byKbo = client.assess(connector, debtor("BE",
                new DebtorIdentifier(IdentifierScheme.VAT, "BE0000000097"),
                new DebtorIdentifier(IdentifierScheme.BE_KBO, belgian.regNo())));
        CreditAssessment bySiren = client.assess(connector, debtor("FR",
                new DebtorIdentifier(IdentifierScheme.FR_SIREN, french.regNo())));

        assertThat(byKbo.providerRef()).isEqualTo(CreditsafeSimulator.connectId(belgian));
        assertThat(byKbo.ratingBand()).isEqualTo(belgian.ratingBand());
        assertThat(bySiren.providerRef()).isEqualTo(CreditsafeSimulator.connectId(french));
        assertThat(simulator.searchRequests()).isEqualTo(3);
    }

    @Test
    void unratedCompanyIsAnAssessmentWithoutScore() {
        Company unrated = portfolio.companies().get(7);

        CreditAssessment assessment = client.assess(connector, debtor(unrated.country(), vat(unrated)));

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.score()).isNull();
        assertThat(assessment.providerScore()).isEqualTo("Not Rated");
        assertThat(assessment.ratingBand()).as("Creditsafe's E for unrated must not read as high risk").isNull();
        assertThat(assessment.ratingDescription()).contains("Not Rated");
        assertThat(assessment.recommendedLimit()).isNull();
        assertThat(assessment.providerRef()).isEqualTo(CreditsafeSimulator.connectId(unrated));
    }

    @Test
    void limitWrittenInWordsIsKeptAsText() {
        Company company = portfolio.companies().get(13);

        CreditAssessment assessment = client.assess(connector, debtor(company.country(), vat(company)));

        assertThat(assessment.recommendedLimit()).isNull();
        assertThat(assessment.limitText()).isEqualTo("Refer to bureau");
        assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
        assertThat(assessment.score()).isEqualTo(company.providerScore());
    }

    @Test
    void tokenIsReusedAcrossAssessments() {
        List<Company> companies = portfolio.companies().stream().filter(c -> c.providerScore() != null)
                .limit(10).toList();

        companies.forEach(c -> client.assess(connector, debtor(c.country(), vat(c))));

        assertThat(simulator.authenticateRequests()).isEqualTo(1);
        assertThat(simulator.reportRequests()).isEqualTo(10);
    }

    @Test
    void tokenIsRenewedShortlyBeforeTheExpiryItsClaimGives() {
        Company company = ratedWithNumericLimit("BE");
        client.assess(connector, debtor("BE", vat(company)));

        clock.advance(Duration.ofMinutes(58));
        client.assess(connector, debtor("BE", vat(company)));
        assertThat(simulator.authenticateRequests()).as("exp is an hour away, not the 55-minute guess").isEqualTo(1);

        clock.advance(Duration.ofSeconds(90));
        client.assess(connector, debtor("BE", vat(company)));
        assertThat(simulator.authenticateRequests()).isEqualTo(2);
    }

    @Test
    void revokedTokenLeadsToOneNewLogin() {
        Company company = ratedWithNumericLimit("FR");
        client.assess(connector, debtor("FR", vat(company)));
        simulator.expireTokens();

        CreditAssessment assessment = client.assess(connector, debtor("FR", vat(company)));

        assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
        assertThat(simulator.authenticateRequests()).isEqualTo(2);
    }

    @Test
    void dataCallRefusedAgainAfterTheNewLoginFailsWithoutMoreLogins() {
        simulator.faults().always(Fault.status(401).onRequestsContaining("/companies"));

        assertThatThrownBy(() -> client.assess(connector, debtor("BE", vat(ratedWithNumericLimit("BE")))))
                .isInstanceOf(PartnerAuthenticationException.class);
        assertThat(simulator.authenticateRequests()).isEqualTo(2);
    }

    @Test
    void wrongPasswordFailsAtOnceAndIsNotTriedAgain() {
        ConnectorInstance wrong = instance("creditsafe-wrong-password", "not-the-password");
        Debtor debtor = debtor("BE", vat(ratedWithNumericLimit("BE")));

        assertThatThrownBy(() -> client.assess(wrong, debtor))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(simulator.authenticateRequests()).isEqualTo(1);

        assertThatThrownBy(() -> client.assess(wrong, debtor)).isInstanceOf(PartnerAuthenticationException.class)
                .hasMessageNotContaining("not-the-password");
        assertThat(simulator.authenticateRequests()).as("a redelivered message must not add a refused login")
                .isEqualTo(1);
        assertThat(simulator.accountLocked()).isFalse();
    }

    @Test
    void rateLimitIsWaitedOut() {
        simulator.faults().once(Fault.tooManyRequests(1).onRequestsContaining("/companies"));
        int injectedBefore = simulator.faults().injectedCount();
        Company company = ratedWithNumericLimit("NL");
        long started = System.nanoTime();

        CreditAssessment assessment = client.assess(connector, debtor("NL", vat(company)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
        assertThat(simulator.faults().injectedCount() - injectedBefore).isEqualTo(1);
    }

    @Test
    void unavailableBureauIsRetriedThenReportedAsTransient() {
        simulator.faults().always(Fault.status(503).onRequestsContaining("/companies"));
        int injectedBefore = simulator.faults().injectedCount();

        assertThatThrownBy(() -> client.assess(connector, debtor("BE", vat(ratedWithNumericLimit("BE")))))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                });
        assertThat(simulator.faults().injectedCount() - injectedBefore)
                .isEqualTo(RetryPolicy.of(descriptor.spec().retry()).maxAttempts());
    }

    @Test
    void companyUnknownToTheBureauIsANotRatedAssessment() {
        Debtor unknown = debtor("BE", new DebtorIdentifier(IdentifierScheme.VAT, "BE0000000097"),
                new DebtorIdentifier(IdentifierScheme.BE_KBO, "0000000097"));

        CreditAssessment assessment = client.assess(connector, unknown);

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.providerRef()).isNull();
        assertThat(assessment.ratingDescription()).contains("no company found").contains("BE0000000097");
        assertThat(assessment.validUntil()).isEqualTo(clock.instant().plus(TTL));
        assertThat(simulator.searchRequests()).isEqualTo(2);
        assertThat(simulator.reportRequests()).isZero();
    }

    @Test
    void severalMatchesPreferTheExactVatMatch() {
        Company wanted = ratedWithNumericLimit("BE");
        Company other = portfolio.companies().stream()
                .filter(c -> c.country().equals("BE") && c != wanted && c.providerScore() != null).findFirst().orElseThrow();
        simulator.addSearchResult(wanted.vat(), other, "Active");

        CreditAssessment assessment = client.assess(connector, debtor("BE", vat(wanted)));

        assertThat(assessment.providerRef()).isEqualTo(CreditsafeSimulator.connectId(wanted));
        assertThat(assessment.ratingBand()).isEqualTo(wanted.ratingBand());
        assertThat(assessment.ratingDescription()).contains("2 Creditsafe companies matched").contains("exact match");
    }

    @Test
    void severalMatchesWithoutExactOneTakeTheFirstActive() {
        List<Company> french = portfolio.companies().stream()
                .filter(c -> c.country().equals("FR") && c.providerScore() != null).limit(2).toList();
        String vatUnknownToPortfolio = "FR00123456789";
        simulator.addSearchResult(vatUnknownToPortfolio, french.get(0), "NonActive");
        simulator.addSearchResult(vatUnknownToPortfolio, french.get(1), "Active");

        CreditAssessment assessment = client.assess(connector,
                debtor("FR", new DebtorIdentifier(IdentifierScheme.VAT, vatUnknownToPortfolio)));

        assertThat(assessment.providerRef()).isEqualTo(CreditsafeSimulator.connectId(french.get(1)));
        assertThat(assessment.ratingDescription()).contains("first active");
    }

    @Test
    void springWiresTheClientWithTheConfiguredAssessmentTtl() {
        new ApplicationContextRunner()
                .withInitializer(context -> context.getBeanFactory()
                        .setConversionService(ApplicationConversionService.getSharedInstance()))
                .withPropertyValues("hub.bureau.assessment-ttl=7d")
                .withBean(SimpleMeterRegistry.class)
                .withBean(PartnerHttp.class)
                .withBean(JsonMapper.class, () -> json)
                .withBean(JsonataMapper.class, () -> mapper)
                .withBean(CreditsafeClient.class)
                .run(context -> {
                    CreditAssessment assessment = context.getBean(CreditsafeClient.class).assess(connector,
                            debtor("NL", new DebtorIdentifier(IdentifierScheme.VAT, "NL000000000B01")));
                    assertThat(Duration.between(assessment.fetchedAt(), assessment.validUntil()))
                            .isEqualTo(Duration.ofDays(7));
                });
    }

    private ConnectorInstance instance(String id, String password) {
        Map<String, String> properties = new HashMap<>();
        descriptor.spec().definition().properties().forEach((name, spec) -> {
            if (spec.defaultValue() != null) {
                properties.put(name, String.valueOf(spec.defaultValue()));
            }
        });
        properties.put("baseUrl", sandbox.baseUrl() + CreditsafeSimulator.PREFIX + "/v1");
        properties.put("username", USERNAME);
        properties.put("password", password);
        return new ConnectorInstance(id, descriptor, true, Duration.ofMinutes(5), Map.copyOf(properties));
    }

    private static Company ratedWithNumericLimit(String country) {
        return portfolio.companies().stream()
                .filter(c -> c.country().equals(country) && c.providerScore() != null
                        && c.creditLimit().matches("\\d+"))
                .findFirst().orElseThrow();
    }

    private static DebtorIdentifier vat(Company company) {
        return new DebtorIdentifier(IdentifierScheme.VAT, company.vat());
    }

    private static Debtor debtor(String country, DebtorIdentifier... identifiers) {
        return new Debtor(null, "contract-erp", "1000", "D-1", "Contract debtor",
                country, List.of(identifiers), null, null, null, null, null, null, null, false, null);
    }
}
