package com.encours.hub.identity.vies;

import com.encours.hub.core.model.VatCheck;
import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.RawReply;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.SandboxPortfolio.Company;
import com.encours.hub.sandbox.ViesSimulator;
import com.encours.hub.support.MutableClock;
import com.encours.hub.support.QuickRetries;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EU VIES as the hub speaks it (Camel CXF, PAYLOAD mode, the service's WSDL), against the sandbox's VIES
 * simulator over real HTTP, with the real descriptor and mapping and the {@code vat_check} table in H2
 * (PostgreSQL mode, migrated by Flyway as the hub does). The simulator answers the Commission's test numbers
 * (100 valid, 200 invalid, 201 INVALID_INPUT, 301 MS_UNAVAILABLE, ...) like its checkVatTestService.
 */
class ViesContractTest {

    /** 09:30 UTC is 10:30 in Brussels: VIES dates its answers 2026-11-24. */
    private static final Instant START = Instant.parse("2026-11-24T09:30:00Z");
    private static final LocalDate VIES_DAY = LocalDate.of(2026, 11, 24);
    private static final String CONSULTATION_NUMBER = "WAPIAAAA[A-Za-z0-9]{8}";

    private static final SandboxPortfolio portfolio = new SandboxPortfolio();
    private static ConnectorDescriptor descriptor;
    /** The real descriptor with millisecond backoffs, so that exhausting the retries takes no seconds. */
    private static ConnectorDescriptor quickRetries;
    private static JsonataMapper mapper;
    private static JsonMapper json;
    private static DefaultCamelContext camel;

    /** Shared by the service and the simulator: expiries are crossed by moving it, not by waiting. */
    private MutableClock clock;
    private ViesSimulator simulator;
    private PartnerSandbox sandbox;
    private JdbcTemplate jdbc;
    private ConnectorState state;
    private SimpleMeterRegistry meters;
    private ViesClient client;

    @BeforeAll
    static void start() {
        descriptor = ConnectorCatalog.loadDescriptors(Path.of("connectors")).get("identity/vies");
        quickRetries = QuickRetries.of(descriptor);
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
    void freshSimulatorAndDatabase() throws IOException {
        clock = new MutableClock(START);
        simulator = new ViesSimulator(portfolio, clock);
        sandbox = new PartnerSandbox(0, List.of(simulator));
        DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:vies-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "hub", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        state = new ConnectorState(jdbc, new JdbcTransactionManager(dataSource), clock);
        meters = new SimpleMeterRegistry();
        client = new ViesClient(camel, meters);
    }

    @AfterEach
    void stopSimulatorAndDatabase() {
        sandbox.destroy();
        jdbc.execute("shutdown");
    }

    @Test
    void descriptorDeclaresAConnectorWithoutSecretsAndKeepsInvalidAnswersLessLong() {
        assertThat(descriptor.metadata().kind()).isEqualTo("identity");
        assertThat(descriptor.spec().protocol()).isEqualTo(ViesClient.PROTOCOL);
        assertThat(descriptor.spec().definition().properties().values()).noneMatch(ConnectorDescriptor.PropertySpec::isSecret);
        ConnectorInstance defaults = instance("vies-defaults", Map.of());
        assertThat(descriptor.spec().definition().properties().get("endpointUrl").defaultValue())
                .isEqualTo("https://ec.europa.eu/taxation_customs/vies/services/checkVatService");
        assertThat(defaults.durationProperty("validResultTtl")).isEqualTo(Duration.ofDays(1));
        assertThat(defaults.durationProperty("invalidResultTtl")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void validNumberComesBackWithTheNameAndAddressTheMemberStateGives() {
        Company company = company("BE");

        VatCheck check = service(Map.of()).check("BE", company.vat());

        assertThat(check.valid()).isTrue();
        assertThat(check.countryCode()).isEqualTo("BE");
        assertThat(check.vatNumber()).isEqualTo(company.vat().substring(2));
        assertThat(check.name()).isEqualTo(company.name().toUpperCase());
        // the simulator pads the two lines with line breaks, as member states do
        assertThat(check.address()).isEqualTo("1 RUE DE LA GARE\n1000 SANDBOX");
        assertThat(check.requestDate()).isEqualTo(VIES_DAY);
        assertThat(check.checkedAt()).isEqualTo(START);
        assertThat(check.consultationNumber()).as("no requester, no consultation number").isNull();
        assertThat(simulator.lastRequest().orElseThrow().operation()).isEqualTo("checkVat");
    }

    @Test
    void numberWrittenWithItsPrefixAndSeparatorsIsAskedAsVatNumberOnly() {
        Company company = company("BE");
        String digits = company.vat().substring(2);
        String written = "be " + digits.substring(0, 4) + "." + digits.substring(4, 7) + "." + digits.substring(7);

        VatCheck check = service(Map.of()).check("be", written);

        assertThat(check.valid()).isTrue();
        assertThat(simulator.lastRequest().orElseThrow().countryCode()).isEqualTo("BE");
        assertThat(simulator.lastRequest().orElseThrow().vatNumber()).isEqualTo(digits);
    }

    @Test
    void unknownNumberIsInvalidWithoutNameOrAddress() {
        VatCheck check = service(Map.of()).check("NL", "NL000000000B01");

        assertThat(check.valid()).isFalse();
        assertThat(check.name()).as("VIES's --- is no name").isNull();
        assertThat(check.address()).isNull();
        assertThat(check.requestDate()).isEqualTo(VIES_DAY);
    }

    @Test
    void requesterMakesVatCheckApproxAndKeepsTheConsultationNumber() {
        Company company = company("FR");

        VatCheck check = service(requester("BE", ViesSimulator.VALID_TEST_NUMBER)).check("FR", company.vat());

        assertThat(check.valid()).isTrue();
        assertThat(check.name()).isEqualTo(company.name().toUpperCase());
        assertThat(check.consultationNumber()).matches(CONSULTATION_NUMBER);
        ViesSimulator.Request request = simulator.lastRequest().orElseThrow();
        assertThat(request.operation()).isEqualTo("checkVatApprox");
        assertThat(request.requesterCountryCode()).isEqualTo("BE");
        assertThat(request.requesterVatNumber()).isEqualTo(ViesSimulator.VALID_TEST_NUMBER);
    }

    @Test
    void requesterViesDoesNotKnowIsARefusalNamingTheConnectorProperties() {
        assertThatThrownBy(() -> service(requester("BE", "0000000097")).check("BE", company("BE").vat()))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.fault()).contains(ViesFault.INVALID_REQUESTER_INFO);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("requesterCountryCode and requesterVatNumber");
                });
        assertThat(simulator.requests()).as("a refusal is not asked again").isEqualTo(1);
    }

    @Test
    void halfAConfiguredRequesterStopsStartupNamingTheMissingProperty() {
        assertThatThrownBy(() -> service(Map.of("requesterCountryCode", "BE")))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e ->
                        assertThat(e.property()).isEqualTo("hub.connectors.vies-contract.properties.requesterVatNumber"));
    }

    /** Expected wait: retryAfterWhenUnavailable (PT15M) or retryAfterWhenBusy (PT1M), the descriptor's defaults. */
    @ParameterizedTest(name = "{1} is transient: retried, then back to the broker for {2}")
    @CsvSource({
            "300, SERVICE_UNAVAILABLE, PT15M",
            "301, MS_UNAVAILABLE, PT15M",
            "302, TIMEOUT, PT15M",
            "500, GLOBAL_MAX_CONCURRENT_REQ, PT1M",
            "501, GLOBAL_MAX_CONCURRENT_REQ_TIME, PT1M",
            "600, MS_MAX_CONCURRENT_REQ, PT1M",
            "601, MS_MAX_CONCURRENT_REQ_TIME, PT1M"})
    void transientFaultIsTriedAgainThenReportedWithItsWait(String testNumber, ViesFault fault, Duration wait) {
        VatCheckService service = quickService(Map.of());

        assertThatThrownBy(() -> service.check("DE", testNumber))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.fault()).contains(fault);
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.retryAfter()).contains(wait);
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.getMessage()).contains(fault.name(), "DE" + testNumber);
                });
        assertThat(simulator.requests()).isEqualTo(descriptor.spec().retry().maxAttempts());
        assertThat(meters.counter("hub.partner.calls", "connector", "vies-contract", "outcome", fault.name()).count())
                .isEqualTo(descriptor.spec().retry().maxAttempts());
        assertThat(state.status("vies-contract").orElseThrow().lastError()).as("the connector's health shows it")
                .contains(fault.name());
    }

    @ParameterizedTest(name = "{1} is a refusal: asked once")
    @CsvSource({"201, INVALID_INPUT", "202, INVALID_REQUESTER_INFO", "400, VAT_BLOCKED", "401, IP_BLOCKED"})
    void refusingFaultIsNotTriedAgain(String testNumber, ViesFault fault) {
        assertThatThrownBy(() -> quickService(Map.of()).check("IT", testNumber))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.fault()).contains(fault);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.retryAfter()).isEmpty();
                    assertThat(e.getMessage()).contains(fault.meaning());
                });
        assertThat(simulator.requests()).isEqualTo(1);
    }

    @Test
    void invalidInputSaysWhatToCorrectAndLeavesTheConnectorHealthy() {
        assertThatThrownBy(() -> service(Map.of()).check("DE", "201"))
                .hasMessageContaining("INVALID_INPUT").hasMessageContaining("correct the debtor's VAT number");

        ConnectorState.Status status = state.status("vies-contract").orElseThrow();
        assertThat(status.lastErrorAt()).as("VIES answered: the number is wrong, not the connector").isNull();
        assertThat(status.lastSuccessAt()).isEqualTo(START);
    }

    @Test
    void numberViesCannotCheckIsRefusedWithoutAskingIt() {
        VatCheckService service = service(Map.of());

        assertThatThrownBy(() -> service.check("US", "123456789"))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.fault()).contains(ViesFault.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("'US' is not a country VIES answers for");
                });
        assertThatThrownBy(() -> service.check("FR", "FR"))
                .isInstanceOfSatisfying(ViesException.class, e -> assertThat(e.fault()).contains(ViesFault.INVALID_INPUT));
        assertThat(simulator.requests()).isZero();
    }

    @Test
    void busyViesIsWaitedOutWithTheDescriptorsBackoff() {
        simulator.faults().once(ViesSimulator.soapFault("MS_MAX_CONCURRENT_REQ"));
        long started = System.nanoTime();

        VatCheck check = service(Map.of()).check("NL", company("NL").vat());

        assertThat(check.valid()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("initialBackoff of the descriptor")
                .isGreaterThanOrEqualTo(descriptor.spec().retry().initialBackoff());
        assertThat(simulator.faults().injectedCount()).isEqualTo(1);
        assertThat(simulator.requests()).isEqualTo(1);
    }

    @Test
    void secondCheckOfTheSameNumberIsAnsweredFromTheTableUntilItsAnswerExpires() {
        VatCheckService service = service(Map.of());
        Company company = company("BE");

        VatCheck first = service.check("BE", company.vat());
        clock.advance(Duration.ofHours(23));
        VatCheck second = service.check("BE", company.vat());

        assertThat(simulator.requests()).isEqualTo(1);
        assertThat(second).isEqualTo(first);
        assertThat(meters.counter("hub.identity.vat-checks", "connector", "vies-contract", "source", "cache").count())
                .isEqualTo(1);

        clock.advance(Duration.ofHours(1));
        VatCheck third = service.check("BE", company.vat());

        assertThat(simulator.requests()).as("valid answers hold one day (validResultTtl)").isEqualTo(2);
        assertThat(third.checkedAt()).isEqualTo(START.plus(Duration.ofDays(1)));
    }

    @Test
    void invalidAnswerIsAskedAgainSoonerThanAValidOne() {
        VatCheckService service = service(Map.of());

        service.check("BE", ViesSimulator.INVALID_TEST_NUMBER);
        clock.advance(Duration.ofMinutes(59));
        service.check("BE", ViesSimulator.INVALID_TEST_NUMBER);
        assertThat(simulator.requests()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        assertThat(service.check("BE", ViesSimulator.INVALID_TEST_NUMBER).valid()).isFalse();
        assertThat(simulator.requests()).as("invalid answers hold one hour (invalidResultTtl)").isEqualTo(2);
    }

    @Test
    void cachedAnswerKeepsItsConsultationNumberUntilTheRequesterChanges() {
        Company company = company("NL");
        VatCheck first = service(requester("BE", ViesSimulator.VALID_TEST_NUMBER)).check("NL", company.vat());

        VatCheck again = service(requester("BE", ViesSimulator.VALID_TEST_NUMBER)).check("NL", company.vat());
        assertThat(again.consultationNumber()).isEqualTo(first.consultationNumber()).matches(CONSULTATION_NUMBER);
        assertThat(simulator.requests()).isEqualTo(1);

        VatCheck withoutRequester = service(Map.of()).check("NL", company.vat());
        assertThat(withoutRequester.consultationNumber()).as("that number was another requester's").isNull();
        assertThat(simulator.requests()).isEqualTo(2);
    }

    @Test
    void faultIsNotKeptSoTheNextCheckAsksAgain() {
        VatCheckService service = quickService(Map.of());
        Company company = company("FR");
        simulator.faults().always(ViesSimulator.soapFault("MS_UNAVAILABLE"));
        assertThatThrownBy(() -> service.check("FR", company.vat())).isInstanceOf(ViesException.class);
        simulator.faults().clear();

        assertThat(service.check("FR", company.vat()).valid()).isTrue();
        assertThat(simulator.requests()).isEqualTo(1);
    }

    @Test
    void answerWithADoctypeIsRefusedAndItsEntitiesNeverRead() {
        String hostile = """
                <?xml version="1.0"?>
                <!DOCTYPE env:Envelope [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>
                <ns2:checkVatResponse xmlns:ns2="urn:ec.europa.eu:taxud:vies:services:checkVat:types">
                <ns2:countryCode>BE</ns2:countryCode><ns2:vatNumber>100</ns2:vatNumber>
                <ns2:requestDate>2026-11-24+01:00</ns2:requestDate><ns2:valid>true</ns2:valid>
                <ns2:name>&secret;</ns2:name><ns2:address>---</ns2:address>
                </ns2:checkVatResponse></env:Body></env:Envelope>""";
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(200, hostile));

        assertThatThrownBy(() -> quickService(Map.of()).check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("refused as XML", "DTD").doesNotContain("root:");
                });
        assertThat(jdbc.queryForObject("select count(*) from vat_check", Integer.class)).isZero();
    }

    @Test
    void answerExpandingEntitiesIsRefused() {
        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
                <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><env:Fault>
                <faultcode>env:Server</faultcode><faultstring>&lol3;</faultstring></env:Fault></env:Body></env:Envelope>""";
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(500, laughs));

        assertThatThrownBy(() -> quickService(Map.of()).check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("refused as XML", "DTD").doesNotContain("lollol");
                });
    }

    @Test
    void answerBeyondTheXmlLimitsIsRefused() {
        String huge = "<env:Envelope xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\"><env:Body>"
                + "<ns2:checkVatResponse xmlns:ns2=\"urn:ec.europa.eu:taxud:vies:services:checkVat:types\">"
                + "<ns2:countryCode>BE</ns2:countryCode><ns2:vatNumber>100</ns2:vatNumber>"
                + "<ns2:requestDate>2026-11-24+01:00</ns2:requestDate><ns2:valid>true</ns2:valid>"
                + "<ns2:name>" + "A".repeat(200_000) + "</ns2:name>"
                + "</ns2:checkVatResponse></env:Body></env:Envelope>";
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(200, huge));

        assertThatThrownBy(() -> quickService(Map.of()).check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("refused as XML", "limit (4096) exceeded");
                });
    }

    @Test
    void answerThatIsNotACheckVatResponseIsRefused() {
        String envelope = "<env:Envelope xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\"><env:Body>%s</env:Body>"
                + "</env:Envelope>";
        String otherOperation = "<ns2:checkVatApproxResponse xmlns:ns2=\"urn:ec.europa.eu:taxud:vies:services:checkVat:types\">"
                + "<ns2:valid>true</ns2:valid></ns2:checkVatApproxResponse>";
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(200, envelope.formatted(otherOperation)));
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(200, envelope.formatted("")));
        VatCheckService service = quickService(Map.of());

        assertThatThrownBy(() -> service.check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("checkVatApproxResponse found", "Expected", "checkVatResponse");
                });
        assertThatThrownBy(() -> service.check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("VIES answered an empty body instead of a checkVatResponse");
                });
        assertThat(simulator.requests()).as("refused answers are not asked again").isEqualTo(2);
    }

    @Test
    void answerAboutAnotherNumberOrAnImpossibleDayIsRefusedAndNotKept() {
        String answer = "<env:Envelope xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\"><env:Body>"
                + "<ns2:checkVatResponse xmlns:ns2=\"urn:ec.europa.eu:taxud:vies:services:checkVat:types\">"
                + "<ns2:countryCode>BE</ns2:countryCode><ns2:vatNumber>%s</ns2:vatNumber>"
                + "<ns2:requestDate>%s</ns2:requestDate><ns2:valid>true</ns2:valid>"
                + "</ns2:checkVatResponse></env:Body></env:Envelope>";
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(200, answer.formatted("0417497106", "2026-11-24+01:00")));
        simulator.rawReplies().once(ViesSimulator.SERVICE_PATH, xml(200, answer.formatted("100", "2026-02-30+01:00")));
        VatCheckService service = quickService(Map.of());

        assertThatThrownBy(() -> service.check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("asked VIES about BE100 and it answered about BE0417497106");
                });
        assertThatThrownBy(() -> service.check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("identity/vies/check-vat.jsonata").hasMessageContaining("requestDate");
        assertThat(jdbc.queryForObject("select count(*) from vat_check", Integer.class)).isZero();
        assertThat(state.status("vies-contract").orElseThrow().lastError()).contains("requestDate");
    }

    @Test
    void httpErrorWithoutSoapFaultIsTransient() {
        simulator.faults().always(Fault.status(503).onRequestsContaining(ViesSimulator.SERVICE_PATH));

        assertThatThrownBy(() -> quickService(Map.of()).check("BE", ViesSimulator.VALID_TEST_NUMBER))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.fault()).isEmpty();
                    assertThat(e.retryAfter()).contains(Duration.ofMinutes(15));
                });
        assertThat(simulator.faults().injectedCount()).isEqualTo(descriptor.spec().retry().maxAttempts());
    }

    @Test
    void answerSlowerThanTheRequestTimeoutIsTransient() {
        simulator.faults().always(ViesSimulator.soapFault("TIMEOUT").after(Duration.ofSeconds(2)));

        assertThatThrownBy(() -> quickService(Map.of("requestTimeout", "PT0.3S")).check("BE", company("BE").vat()))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("VIES unreachable");
                });
    }

    @Test
    void unreachableViesIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> quickService(Map.of("endpointUrl", "http://localhost:" + closedPort + "/checkVatService"))
                .check("BE", company("BE").vat()))
                .isInstanceOfSatisfying(ViesException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofMinutes(15));
                });
    }

    @Test
    void springProvidesTheServiceOnlyWhenAViesConnectorIsConfigured() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withInitializer(context -> context.getBeanFactory()
                        .setConversionService(ApplicationConversionService.getSharedInstance()))
                .withUserConfiguration(HubConfiguration.class, ViesConfiguration.class)
                .withBean(ConnectorCatalog.class)
                .withBean(DefaultCamelContext.class, () -> {
                    DefaultCamelContext context = new DefaultCamelContext();
                    context.start();
                    return context;
                })
                .withBean(JdbcTemplate.class, () -> jdbc)
                .withBean(ConnectorState.class, () -> state)
                .withBean(JsonataMapper.class, () -> mapper)
                .withBean(JsonMapper.class, () -> json)
                .withBean(Clock.class, () -> clock)
                .withBean(SimpleMeterRegistry.class, () -> meters)
                .withPropertyValues("hub.home=.");

        runner.run(context -> assertThat(context).doesNotHaveBean(VatCheckService.class));
        runner.withPropertyValues("hub.connectors.vies-wired.descriptor=identity/vies",
                        "hub.connectors.vies-wired.properties.endpointUrl=" + sandbox.baseUrl() + ViesSimulator.SERVICE_PATH)
                .run(context -> {
                    VatCheckService service = context.getBean(VatCheckService.class);
                    assertThat(service.connector().id()).isEqualTo("vies-wired");
                    assertThat(service.check("BE", company("BE").vat()).valid()).isTrue();
                });
        runner.withPropertyValues("hub.connectors.vies-off.descriptor=identity/vies",
                        "hub.connectors.vies-off.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(VatCheckService.class));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(HubProperties.class)
    static class HubConfiguration {
    }

    private VatCheckService service(Map<String, String> properties) {
        return service(descriptor, properties);
    }

    private VatCheckService quickService(Map<String, String> properties) {
        return service(quickRetries, properties);
    }

    private VatCheckService service(ConnectorDescriptor connectorDescriptor, Map<String, String> properties) {
        ConnectorInstance connector = instance(connectorDescriptor, "vies-contract", properties);
        return new VatCheckService(connector, client, state, new VatCheckCache(jdbc), mapper, json, clock, meters);
    }

    private ConnectorInstance instance(String id, Map<String, String> properties) {
        return instance(descriptor, id, properties);
    }

    private ConnectorInstance instance(ConnectorDescriptor connectorDescriptor, String id,
                                              Map<String, String> properties) {
        Map<String, String> values = new HashMap<>();
        connectorDescriptor.spec().definition().properties().forEach((name, spec) -> {
            if (spec.defaultValue() != null) {
                values.put(name, String.valueOf(spec.defaultValue()));
            }
        });
        values.put("endpointUrl", sandbox.baseUrl() + ViesSimulator.SERVICE_PATH);
        values.putAll(properties);
        return new ConnectorInstance(id, connectorDescriptor, true, Duration.ofMinutes(5), Map.copyOf(values));
    }

    private static Map<String, String> requester(String countryCode, String vatNumber) {
        return Map.of("requesterCountryCode", countryCode, "requesterVatNumber", vatNumber);
    }

    private static Company company(String country) {
        return portfolio.companies().stream().filter(c -> c.country().equals(country)).findFirst().orElseThrow();
    }

    private static RawReply xml(int status, String body) {
        return RawReply.of(status, "text/xml; charset=UTF-8", body.getBytes(StandardCharsets.UTF_8));
    }
}
