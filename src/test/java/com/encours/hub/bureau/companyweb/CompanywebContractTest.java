package com.encours.hub.bureau.companyweb;

import com.encours.hub.bureau.BureauAlert;
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
import com.encours.hub.sandbox.CompanywebSimulator;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.SandboxPortfolio.Company;
import com.encours.hub.support.MutableClock;
import com.encours.hub.support.QuickRetries;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Companyweb as the hub speaks it (Camel CXF, PAYLOAD mode, the reconstructed WSDL) against the sandbox's
 * Companyweb simulator over real HTTP, with the real descriptor {@code "bureau/companyweb"} and its mapping.
 */
class CompanywebContractTest {

    /** 23:30 UTC on 24 November is already 25 November in Brussels: the day of the hash. */
    private static final Instant LATE_EVENING = Instant.parse("2026-11-24T23:30:00Z");
    private static final String LOGIN = "contract-login";
    private static final String PASSWORD = "contract-password";

    private static final SandboxPortfolio portfolio = new SandboxPortfolio();
    private static ConnectorDescriptor descriptor;
    private static JsonataMapper mapper;
    private static JsonMapper json;
    private static DefaultCamelContext camel;

    private MutableClock clock;
    private CompanywebSimulator simulator;
    private PartnerSandbox sandbox;
    private CompanywebClient client;

    @BeforeAll
    static void start() {
        // the real descriptor with millisecond backoffs, so that exhausting the retries takes no seconds
        descriptor = QuickRetries.of(ConnectorCatalog.loadDescriptors(Path.of("connectors")).get("bureau/companyweb"));
        json = JsonMapper.builder().addModule(new JavaTimeModule()).build();
        HubProperties hub = new HubProperties();
        hub.setHome(".");
        mapper = new JsonataMapper(hub, json);
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() {
        camel.stop();
    }

    @BeforeEach
    void freshSimulator() throws IOException {
        clock = new MutableClock(LATE_EVENING);
        simulator = new CompanywebSimulator(portfolio, LOGIN, PASSWORD, clock);
        sandbox = new PartnerSandbox(0, List.of(simulator));
        client = new CompanywebClient(camel, mapper, json, Duration.ofDays(30), clock);
    }

    @AfterEach
    void stopSimulator() {
        sandbox.destroy();
    }

    @Test
    void descriptorKeepsThePasswordSecretAndSpeaksCompanywebSoap() {
        assertThat(descriptor.metadata().kind()).isEqualTo("bureau");
        assertThat(descriptor.spec().protocol()).isEqualTo(CompanywebClient.PROTOCOL);
        assertThat(descriptor.spec().definition().properties().get("password").isSecret()).isTrue();
        assertThat(descriptor.spec().definition().properties().get("loginId").isSecret()).isFalse();
    }

    @Test
    void dailyHashIsTheSha1OfTheDateLoginAndPassword() {
        // printf %s 20261125contract-logincontract-password | sha1sum
        assertThat(CompanywebClient.dailyHash(LOGIN, PASSWORD, LocalDate.of(2026, 11, 25)))
                .isEqualTo("15128fd130590ceb410d3ce4b8a966e63656f69b");
    }

    @Test
    void activeCompanyComesBackWithItsBarometerScoreAndLimitInEuro() {
        Company company = belgian(c -> c.providerScore() != null && c.creditLimit().matches("[0-9]+"));

        CreditAssessment assessment = client.assess(connector(Map.of()), debtor(company));

        BigDecimal barometer = BigDecimal.valueOf(company.providerScore() - 50L).divide(BigDecimal.TEN);
        assertThat(assessment.provider()).isEqualTo("companyweb");
        assertThat(assessment.providerRef()).isEqualTo(company.regNo());
        assertThat(new BigDecimal(assessment.providerScore())).isEqualByComparingTo(barometer);
        // the simulator's barometer is (score - 50) / 10 and the mapping's score (barometer + 5) * 10: the same score
        assertThat(assessment.score()).isEqualTo(company.providerScore());
        assertThat(assessment.ratingDescription()).isEqualTo("Active");
        assertThat(assessment.recommendedLimit()).isEqualByComparingTo(company.creditLimit());
        assertThat(assessment.limitCurrency()).isEqualTo(Currency.getInstance("EUR"));
        assertThat(assessment.fetchedAt()).isEqualTo(LATE_EVENING);
        assertThat(assessment.validUntil()).isEqualTo(LATE_EVENING.plus(Duration.ofDays(30)));
    }

    @Test
    void companyCompanywebDoesNotKnowIsAnUnratedAssessmentNotAnError() {
        Debtor debtor = debtor("BE", new DebtorIdentifier(IdentifierScheme.BE_KBO, "0999999972"));

        CreditAssessment assessment = client.assess(connector(Map.of()), debtor);

        assertThat(assessment.isRated()).isFalse();
        assertThat(assessment.ratingDescription())
                .isEqualTo("Not rated: Companyweb knows no company under enterprise number 0999999972");
    }

    @Test
    void foreignDebtorIsNotAskedAtAll() {
        Debtor debtor = debtor("FR", new DebtorIdentifier(IdentifierScheme.VAT, "FR27432187654"));

        CreditAssessment assessment = client.assess(connector(Map.of()), debtor);

        assertThat(assessment.isRated()).isFalse();
        assertThat(simulator.companyRequests()).isZero();
    }

    @Test
    void bankruptCompanyIsScoredZeroWithNoCredit() {
        Company company = belgian(c -> c.providerScore() != null);
        simulator.declareBankrupt(company.regNo(), LocalDate.of(2026, 11, 20));

        CreditAssessment assessment = client.assess(connector(Map.of()), debtor(company));

        assertThat(assessment.score()).isZero();
        assertThat(assessment.ratingBand()).isEqualTo("E");
        assertThat(assessment.ratingDescription()).isEqualTo("Bankrupt since 2026-11-20");
        assertThat(assessment.recommendedLimit()).isEqualByComparingTo("0");
    }

    @Test
    void wrongPasswordIsRefusedOnceAndNotSentAgainDuringTheBlock() {
        ConnectorInstance wrong = connector(Map.of("password", "not-the-password"));
        Debtor debtor = debtor(belgian(c -> true));

        assertThatThrownBy(() -> client.assess(wrong, debtor))
                .isInstanceOf(PartnerAuthenticationException.class)
                .hasMessageContaining("refused the login");
        assertThatThrownBy(() -> client.assess(wrong, debtor))
                .isInstanceOf(PartnerAuthenticationException.class)
                .hasMessageContaining("not sent again before");
        // one refusal reached Companyweb: no retry in place, no second login during the block
        assertThat(simulator.refusedLogins()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(16));
        assertThatThrownBy(() -> client.assess(wrong, debtor)).isInstanceOf(PartnerAuthenticationException.class);
        assertThat(simulator.refusedLogins()).isEqualTo(2);
    }

    @Test
    void unavailableServiceIsTriedAgainInPlaceThenReportedTransient() {
        Company company = belgian(c -> c.providerScore() != null);
        simulator.faults().once(CompanywebSimulator.soapFault("SERVICE_UNAVAILABLE"));

        CreditAssessment assessment = client.assess(connector(Map.of()), debtor(company));
        assertThat(assessment.isRated()).isTrue();

        simulator.faults().always(CompanywebSimulator.soapFault("SERVICE_UNAVAILABLE"));
        assertThatThrownBy(() -> client.assess(connector(Map.of()), debtor(company)))
                .isInstanceOfSatisfying(PartnerException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("SERVICE_UNAVAILABLE");
        // one fault absorbed above, then the descriptor's three attempts
        assertThat(simulator.faults().injectedCount()).isEqualTo(1 + descriptor.spec().retry().maxAttempts());
    }

    @Test
    void malformedNumberIsRefusedForGood() {
        Debtor debtor = debtor("BE", new DebtorIdentifier(IdentifierScheme.VAT, "BE123"));

        assertThatThrownBy(() -> client.assess(connector(Map.of()), debtor))
                .isInstanceOfSatisfying(PartnerException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("INVALID_VAT_NUMBER");
    }

    @Test
    void alertsSinceTheWatermarkNameTheCompanyByItsEnterpriseAndVatNumbers() {
        Company company = belgian(c -> c.providerScore() != null);
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        simulator.changeBarometer(company.regNo(), new BigDecimal("-2.5"));
        clock.advance(Duration.ofMinutes(1));
        simulator.declareBankrupt(company.regNo(), LocalDate.of(2026, 11, 25));

        List<BureauAlert> all = client.changesSince(connector(Map.of()), before);
        List<BureauAlert> afterFirst = client.changesSince(connector(Map.of()), all.get(0).raisedAt());

        assertThat(all).extracting(BureauAlert::type).containsExactly("BAROMETER", "STATUS");
        assertThat(all.get(0).identifiers()).containsExactly(
                new DebtorIdentifier(IdentifierScheme.BE_KBO, company.regNo()),
                new DebtorIdentifier(IdentifierScheme.VAT, company.vat()));
        assertThat(all.get(0).raisedAt()).isEqualTo(before.plus(Duration.ofMinutes(1)));
        assertThat(all.get(0).description()).endsWith("-> -2.5)");
        assertThat(afterFirst).extracting(BureauAlert::type).containsExactly("STATUS");
    }

    private ConnectorInstance connector(Map<String, String> properties) {
        Map<String, String> values = new HashMap<>();
        descriptor.spec().definition().properties().forEach((name, spec) -> {
            if (spec.defaultValue() != null) {
                values.put(name, String.valueOf(spec.defaultValue()));
            }
        });
        values.put("endpointUrl", sandbox.baseUrl() + CompanywebSimulator.SERVICE_PATH);
        values.put("loginId", LOGIN);
        values.put("password", PASSWORD);
        values.putAll(properties);
        return new ConnectorInstance("companyweb-contract", descriptor, true, Duration.ofMinutes(5), Map.copyOf(values));
    }

    private static Company belgian(java.util.function.Predicate<Company> condition) {
        return portfolio.companies().stream().filter(c -> c.country().equals("BE")).filter(condition)
                .findFirst().orElseThrow();
    }

    private static Debtor debtor(Company company) {
        return debtor("BE", new DebtorIdentifier(IdentifierScheme.VAT, company.vat()));
    }

    private static Debtor debtor(String country, DebtorIdentifier... identifiers) {
        return new Debtor(null, "contract-erp", "1000", "D-1", "Contract debtor",
                country, List.of(identifiers), null, null, null, null, null, null, null, false, null);
    }
}
