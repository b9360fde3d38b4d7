package com.encours.hub.bureau.dnb;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.encours.hub.sandbox.DnbSimulator;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.RawReply;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.SandboxPortfolio.Company;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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
 * D&amp;B Direct+ as the hub speaks it, against the sandbox simulator over real HTTP on the loopback
 * interface: the connector is built from the real descriptor and mapping, the simulator answers from the
 * sandbox portfolio (failure score percentile = the company's bureau score, limit in EUR).
 */
class DnbContractTest {

    private static final String KEY = "contract-key";
    private static final String SECRET = "contract-secret";
    private static final Duration TTL = Duration.ofDays(30);

    private static final SandboxPortfolio portfolio = new SandboxPortfolio();
    /** Shared by client and simulator: token expiry is crossed by moving it, not by waiting. */
    private static final MutableClock clock = new MutableClock(Instant.now());
    private static DnbSimulator simulator;
    private static PartnerSandbox sandbox;
    private static ConnectorDescriptor descriptor;
    private static JsonataMapper mapper;
    private static JsonMapper json;

    private DnbDirectPlusClient client;
    private ConnectorInstance connector;

    @BeforeAll
    static void startSandbox() throws Exception {
        simulator = new DnbSimulator(portfolio, KEY, SECRET, clock);
        sandbox = new PartnerSandbox(0, List.of(simulator));
        descriptor = ConnectorCatalog.loadDescriptors(Path.of("connectors")).get("bureau/dnb");
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
        client = new DnbDirectPlusClient(new PartnerHttp(new SimpleMeterRegistry()), mapper, json, TTL, clock);
        connector = instance("dnb-contract", SECRET);
    }

    @Test
    void descriptorDeclaresTheConnectorAndItsSecret() {
        assertThat(descriptor.spec().protocol()).isEqualTo(client.protocol());
        assertThat(descriptor.spec().definition().required()).contains("baseUrl", "consumerKey", "consumerSecret");
        assertThat(descriptor.spec().definition().properties().get("consumerSecret").isSecret()).isTrue();
        assertThat(descriptor.spec().definition().properties().get("minConfidenceCode").defaultValue()).isEqualTo(8);
    }

    @Test
    void belgianFrenchAndDutchDebtorsGetTheirFailurePercentileBandAndLimit() {
        for (String country : List.of("BE", "FR", "NL")) {
            Company company = ratedWithNumericLimit(country);

            CreditAssessment assessment = client.assess(connector, debtor(country, registration(company)));

            assertThat(assessment.provider()).isEqualTo("dnb");
            assertThat(assessment.providerRef()).isEqualTo(DnbSimulator.duns(company));
            // the percentile is the score as it is; the fifths A..E agree with the portfolio's bands
            assertThat(assessment.score()).isEqualTo(company.providerScore());
            assertThat(assessment.providerScore()).isEqualTo(String.valueOf(company.providerScore()));
            assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
            assertThat(assessment.recommendedLimit()).isNotNull()
                    .usingComparator(BigDecimal::compareTo).isEqualTo(new BigDecimal(company.creditLimit()));
            assertThat(assessment.limitCurrency()).isEqualTo(Currency.getInstance("EUR"));
            assertThat(assessment.ratingDescription()).contains("Failure score class").contains("Delinquency score")
                    .contains("D&B confidence 10");
            assertThat(assessment.fetchedAt()).isEqualTo(clock.instant());
            assertThat(assessment.validUntil()).isEqualTo(clock.instant().plus(TTL));
        }
    }

    @Test
    void vatNumberIsMatchedWhenThereIsNoRegistrationNumberAndGivesTheCountry() {
        Company dutch = ratedWithNumericLimit("NL");

        CreditAssessment assessment = client.assess(connector, debtor(null,
                new DebtorIdentifier(IdentifierScheme.VAT, dutch.vat())));

        assertThat(assessment.providerRef()).isEqualTo(DnbSimulator.duns(dutch));
        assertThat(assessment.ratingBand()).isEqualTo(dutch.ratingBand());
    }

    @Test
    void debtorWithItsDunsNumberIsReadWithoutMatching() {
        Company company = ratedWithNumericLimit("FR");

        CreditAssessment assessment = client.assess(connector, debtor("FR",
                new DebtorIdentifier(IdentifierScheme.DUNS, DnbSimulator.duns(company)), registration(company)));

        assertThat(assessment.score()).isEqualTo(company.providerScore());
        assertThat(assessment.ratingDescription()).doesNotContain("confidence");
        assertThat(simulator.matchRequests()).isZero();
        assertThat(simulator.dataRequests()).isEqualTo(1);
    }

    @Test
    void companyDnbDoesNotScoreIsAnAssessmentWithoutScore() {
        Company unrated = portfolio.companies().get(7);

        CreditAssessment assessment = client.assess(connector, debtor(unrated.country(), registration(unrated)));

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.ratingBand()).isNull();
        assertThat(assessment.providerScore()).isEqualTo("0");
        assertThat(assessment.ratingDescription()).startsWith("Not rated");
        assertThat(assessment.providerRef()).isEqualTo(DnbSimulator.duns(unrated));
    }

    @Test
    void tokenIsReusedAcrossAssessments() {
        List<Company> companies = portfolio.companies().stream().filter(c -> c.providerScore() != null).limit(10).toList();

        companies.forEach(c -> client.assess(connector, debtor(c.country(), registration(c))));

        assertThat(simulator.tokenRequests()).isEqualTo(1);
        assertThat(simulator.dataRequests()).isEqualTo(10);
    }

    @Test
    void tokenIsRenewedFiveMinutesBeforeItsExpiresIn() {
        Company company = ratedWithNumericLimit("BE");
        client.assess(connector, debtor("BE", registration(company)));

        clock.advance(Duration.ofHours(23).plusMinutes(54));   // expiresIn 86 400 s: renewal due at 23:55
        client.assess(connector, debtor("BE", registration(company)));
        assertThat(simulator.tokenRequests()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        client.assess(connector, debtor("BE", registration(company)));
        assertThat(simulator.tokenRequests()).isEqualTo(2);
    }

    @Test
    void revokedTokenLeadsToOneNewToken() {
        Company company = ratedWithNumericLimit("FR");
        client.assess(connector, debtor("FR", registration(company)));
        simulator.expireTokens();

        CreditAssessment assessment = client.assess(connector, debtor("FR", registration(company)));

        assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
        assertThat(simulator.tokenRequests()).isEqualTo(2);
    }

    @Test
    void dataCallRefusedAgainWithTheNewTokenFailsWithoutMoreTokens() {
        simulator.faults().always(Fault.status(401).onRequestsContaining("/v1/data/"));

        assertThatThrownBy(() -> client.assess(connector, debtor("BE", registration(ratedWithNumericLimit("BE")))))
                .isInstanceOf(PartnerAuthenticationException.class);
        assertThat(simulator.tokenRequests()).isEqualTo(2);
    }

    @Test
    void wrongSecretFailsAtOnceAndIsNotTriedAgain() {
        ConnectorInstance wrong = instance("dnb-wrong-secret", "not-the-secret");
        Debtor debtor = debtor("BE", registration(ratedWithNumericLimit("BE")));

        assertThatThrownBy(() -> client.assess(wrong, debtor))
                .isInstanceOfSatisfying(PartnerAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThatThrownBy(() -> client.assess(wrong, debtor)).isInstanceOf(PartnerAuthenticationException.class)
                .hasMessageNotContaining("not-the-secret");
        assertThat(simulator.tokenRequests()).as("a redelivered message must not ask for a token again").isEqualTo(1);
        assertThat(simulator.matchRequests()).isZero();
    }

    @Test
    void rateLimitIsWaitedOut() {
        simulator.faults().once(Fault.tooManyRequests(1).onRequestsContaining("/cleanseMatch"));
        int injectedBefore = simulator.faults().injectedCount();
        Company company = ratedWithNumericLimit("NL");
        long started = System.nanoTime();

        CreditAssessment assessment = client.assess(connector, debtor("NL", registration(company)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(assessment.ratingBand()).isEqualTo(company.ratingBand());
        assertThat(simulator.matchRequests()).as("the refused call does not reach the simulator's count").isEqualTo(1);
        assertThat(simulator.faults().injectedCount() - injectedBefore).isEqualTo(1);
    }

    @Test
    void unavailableBureauIsRetriedThenReportedAsTransient() {
        simulator.faults().always(Fault.status(503).onRequestsContaining("/v1/data/"));
        int injectedBefore = simulator.faults().injectedCount();

        assertThatThrownBy(() -> client.assess(connector, debtor("BE", registration(ratedWithNumericLimit("BE")))))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                });
        assertThat(simulator.faults().injectedCount() - injectedBefore)
                .isEqualTo(RetryPolicy.of(descriptor.spec().retry()).maxAttempts());
    }

    @Test
    void companyDnbCannotMatchIsANotRatedAssessment() {
        Debtor unknown = debtor("BE", new DebtorIdentifier(IdentifierScheme.BE_KBO, "0000000097"));

        CreditAssessment assessment = client.assess(connector, unknown);

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.providerRef()).isNull();
        assertThat(assessment.ratingDescription()).contains("matched no company in BE").contains("BE_KBO 0000000097");
        assertThat(assessment.validUntil()).isEqualTo(clock.instant().plus(TTL));
        assertThat(simulator.dataRequests()).isZero();
    }

    @Test
    void emptyCandidateListIsNoMatchToo() {
        simulator.rawReplies().once("/cleanseMatch", RawReply.of(200, RawReply.TYPES.get("json"),
                "{\"candidatesMatchedQuantity\":0,\"matchCandidates\":[]}".getBytes(StandardCharsets.UTF_8)));

        CreditAssessment assessment = client.assess(connector, debtor("FR", registration(ratedWithNumericLimit("FR"))));

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.ratingDescription()).contains("matched no company");
    }

    @Test
    void severalCompaniesWithTheTopConfidenceAreNotGuessedBetween() {
        Company wanted = ratedWithNumericLimit("BE");
        Company lookAlike = otherRated("BE", wanted);
        simulator.addMatchCandidate(wanted.regNo(), lookAlike, 10);

        CreditAssessment assessment = client.assess(connector, debtor("BE", registration(wanted)));

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.providerRef()).isNull();
        assertThat(assessment.ratingDescription()).contains("2 D&B companies match").contains("confidence 10")
                .contains(DnbSimulator.duns(wanted)).contains(DnbSimulator.duns(lookAlike)).contains("DUNS number in the ERP");
        assertThat(simulator.dataRequests()).isZero();
    }

    @Test
    void lessConfidentLookAlikesDoNotStopTheBestMatch() {
        Company wanted = ratedWithNumericLimit("FR");
        simulator.addMatchCandidate(wanted.regNo(), otherRated("FR", wanted), 7);

        CreditAssessment assessment = client.assess(connector, debtor("FR", registration(wanted)));

        assertThat(assessment.providerRef()).isEqualTo(DnbSimulator.duns(wanted));
        assertThat(assessment.ratingBand()).isEqualTo(wanted.ratingBand());
    }

    @Test
    void bestMatchBelowTheRequiredConfidenceIsNotUsed() {
        Company lookAlike = ratedWithNumericLimit("NL");
        simulator.addMatchCandidate("NL999999990B01", lookAlike, 6);

        CreditAssessment assessment = client.assess(connector, debtor("NL",
                new DebtorIdentifier(IdentifierScheme.VAT, "NL999999990B01")));

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.ratingDescription()).contains("confidence 6, below the 8 required")
                .contains(DnbSimulator.duns(lookAlike));
        assertThat(simulator.dataRequests()).isZero();
    }

    @Test
    void malformedDataIsRefusedWithItsReason() {
        Company company = ratedWithNumericLimit("BE");
        simulator.rawReplies().once("/v1/data/duns/" + DnbSimulator.duns(company), RawReply.of(200,
                RawReply.TYPES.get("json"), ("{\"organization\":{\"duns\":\"" + DnbSimulator.duns(company)
                        + "\",\"dnbAssessment\":{\"failureScore\":{\"nationalPercentile\":140}}}}")
                        .getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> client.assess(connector, debtor("BE", registration(company))))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("failure score percentile 140 is not a whole number 0..100");
    }

    @Test
    void malformedMatchIsRefusedForGood() {
        simulator.rawReplies().once("/cleanseMatch", RawReply.of(200, RawReply.TYPES.get("json"),
                "{\"matchCandidates\":[{\"organization\":{\"primaryName\":\"No DUNS\"}}]}".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> client.assess(connector, debtor("BE", registration(ratedWithNumericLimit("BE")))))
                .isInstanceOfSatisfying(PartnerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("/cleanseMatch answered a match candidate without");
                });
    }

    private ConnectorInstance instance(String id, String secret) {
        Map<String, String> properties = new HashMap<>();
        descriptor.spec().definition().properties().forEach((name, spec) -> {
            if (spec.defaultValue() != null) {
                properties.put(name, String.valueOf(spec.defaultValue()));
            }
        });
        properties.put("baseUrl", sandbox.baseUrl() + DnbSimulator.PREFIX);
        properties.put("consumerKey", KEY);
        properties.put("consumerSecret", secret);
        return new ConnectorInstance(id, descriptor, true, Duration.ofMinutes(5), Map.copyOf(properties));
    }

    private static Company ratedWithNumericLimit(String country) {
        return portfolio.companies().stream()
                .filter(c -> c.country().equals(country) && c.providerScore() != null && c.creditLimit().matches("\\d+"))
                .findFirst().orElseThrow();
    }

    private static Company otherRated(String country, Company not) {
        return portfolio.companies().stream()
                .filter(c -> c.country().equals(country) && c != not && c.providerScore() != null).findFirst().orElseThrow();
    }

    /** The company's national number as the ERP gives it: KBO, SIREN, or for the Netherlands its VAT number. */
    private static DebtorIdentifier registration(Company company) {
        return switch (company.country()) {
            case "BE" -> new DebtorIdentifier(IdentifierScheme.BE_KBO, company.regNo());
            case "FR" -> new DebtorIdentifier(IdentifierScheme.FR_SIREN, company.regNo());
            default -> new DebtorIdentifier(IdentifierScheme.VAT, company.vat());
        };
    }

    private static Debtor debtor(String country, DebtorIdentifier... identifiers) {
        return new Debtor(null, "contract-erp", "1000", "D-1", "Contract debtor",
                country, List.of(identifiers), null, null, null, null, null, null, null, false, null);
    }
}
