package com.encours.hub.bureau;

import com.encours.hub.bureau.creditsafe.CreditsafeClient;
import com.encours.hub.bureau.dnb.DnbDirectPlusClient;
import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.support.MutableClock;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which bureau scores a debtor: the connector of its country under {@code hub.bureau.by-country}, else
 * {@code hub.bureau.connector}; the assessment cache (H2 in PostgreSQL mode, migrated by Flyway) remembers
 * which connector assessed, so that a new route re-assesses. Bureaus are stand-ins that count their calls.
 */
class DebtorAssessmentsRoutingTest {

    private static final Duration TTL = Duration.ofDays(30);
    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T09:30:00Z"));
    private final StubBureau creditsafe = new StubBureau(CreditsafeClient.PROTOCOL, "creditsafe");
    private final StubBureau dnb = new StubBureau(DnbDirectPlusClient.PROTOCOL, "dnb");
    private static DriverManagerDataSource dataSource;
    private static JdbcTemplate jdbc;
    private AssessmentCache cache;
    private ConnectorState state;

    @AfterAll
    static void closeValidation() {
        VALIDATION.close();
    }

    @BeforeAll
    static void database() {
        dataSource = new DriverManagerDataSource("jdbc:h2:mem:routing-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
    }

    @BeforeEach
    void emptyLedger() {
        jdbc.update("delete from credit_assessment");
        jdbc.update("delete from debtor");
        cache = new AssessmentCache(jdbc, new CanonicalJson(JsonMapper.builder().addModule(new JavaTimeModule()).build(),
                VALIDATION.getValidator()));
        state = new ConnectorState(jdbc, new DataSourceTransactionManager(dataSource), clock);
    }

    @Test
    void debtorIsScoredByTheBureauOfItsCountryAndTheOthersByTheFallback() {
        DebtorAssessments assessments = assessments("creditsafe-main", Map.of("US", "dnb-main", "be", "dnb-main"));

        assertThat(assessments.current(debtor("d-us", "US", vat("US", "0"))))
                .hasValueSatisfying(a -> assertThat(a.provider()).isEqualTo("dnb"));
        assertThat(assessments.current(debtor("d-be", "BE", vat("BE", "0417497106"))))
                .as("country keys are read in any case").hasValueSatisfying(a -> assertThat(a.provider()).isEqualTo("dnb"));
        assertThat(assessments.current(debtor("d-fr", "FR", vat("FR", "40303265045"))))
                .hasValueSatisfying(a -> assertThat(a.provider()).isEqualTo("creditsafe"));
        assertThat(dnb.assessed).containsExactly("d-us", "d-be");
        assertThat(creditsafe.assessed).containsExactly("d-fr");
    }

    @Test
    void debtorWithoutCountryIsRoutedByItsVatPrefix() {
        DebtorAssessments assessments = assessments("creditsafe-main", Map.of("NL", "dnb-main"));

        assessments.current(debtor("d-nl", null, vat("NL", "854265259B01")));
        assessments.current(debtor("d-gr", null, vat("EL", "094014201")));   // Greek VAT prefix EL is Greece, GR

        assertThat(dnb.assessed).containsExactly("d-nl");
        assertThat(creditsafe.assessed).containsExactly("d-gr");
    }

    @Test
    void withoutFallbackOnlyRoutedCountriesAreAssessed() {
        DebtorAssessments assessments = assessments(null, Map.of("US", "dnb-main"));

        assertThat(assessments.current(debtor("d-fr", "FR", vat("FR", "40303265045")))).isEmpty();
        assertThat(assessments.current(debtor("d-us", "US", vat("US", "0")))).isPresent();
        assertThat(creditsafe.assessed).isEmpty();
    }

    @Test
    void theExistingSingleBureauSettingStillScoresEveryone() {
        DebtorAssessments assessments = assessments("creditsafe-main", Map.of());

        assessments.current(debtor("d-us", "US", vat("US", "0")));
        assessments.current(debtor("d-us", "US", vat("US", "0")));

        assertThat(creditsafe.assessed).as("once, then from the cache").containsExactly("d-us");
    }

    @Test
    void aNewRouteForTheDebtorsCountryReassessesItOnceWithTheNewBureau() {
        Debtor belgian = debtor("d-be", "BE", vat("BE", "0417497106"));
        assessments("creditsafe-main", Map.of()).current(belgian);

        DebtorAssessments rerouted = assessments("creditsafe-main", Map.of("BE", "dnb-main"));
        assertThat(rerouted.current(belgian)).hasValueSatisfying(a -> assertThat(a.provider()).isEqualTo("dnb"));
        rerouted.current(belgian);

        assertThat(creditsafe.assessed).containsExactly("d-be");
        assertThat(dnb.assessed).as("re-assessed once, then from the cache").containsExactly("d-be");
        assertThat(jdbc.queryForObject("select connector_id from credit_assessment where hub_id = 'd-be'", String.class))
                .isEqualTo("dnb-main");
    }

    @Test
    void anAssessmentStoredBeforeConnectorsWereKeptCountsAsTheFallbacks() {
        Debtor belgian = debtor("d-be", "BE", vat("BE", "0417497106"));
        assessments("creditsafe-main", Map.of()).current(belgian);
        jdbc.update("update credit_assessment set connector_id = null");   // as the V6 migration leaves older rows

        assessments("creditsafe-main", Map.of("US", "dnb-main")).current(belgian);
        assertThat(creditsafe.assessed).as("still the fallback's: no new call").containsExactly("d-be");

        assessments("creditsafe-main", Map.of("BE", "dnb-main")).current(belgian);
        assertThat(dnb.assessed).containsExactly("d-be");
    }

    @Test
    void routesAreReadFromTheConfigurationKeys() {
        HubProperties bound = new Binder(new MapConfigurationPropertySource(Map.of("hub.bureau.connector", "creditsafe-main",
                "hub.bureau.by-country.US", "dnb-main", "hub.bureau.by-country.BE", "dnb-main")))
                .bind("hub", Bindable.ofInstance(new HubProperties())).get();

        assertThat(bound.getBureau().getConnector()).isEqualTo("creditsafe-main");
        assertThat(bound.getBureau().getByCountry()).containsOnly(Map.entry("US", "dnb-main"), Map.entry("BE", "dnb-main"));
    }

    @Test
    void routeToAnUnknownConnectorIsRefusedAtStartupNamingTheKey() {
        assertThatThrownBy(() -> assessments("creditsafe-main", Map.of("US", "dnb-typo")))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> {
                    assertThat(e.property()).isEqualTo("hub.bureau.by-country.US");
                    assertThat(e.getMessage()).contains("no connector 'dnb-typo'");
                });
        assertThatThrownBy(() -> assessments("creditsafe-typo", Map.of()))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class,
                        e -> assertThat(e.property()).isEqualTo("hub.bureau.connector"));
    }

    @Test
    void routeToAConnectorThatIsNotABureauIsRefused() {
        assertThatThrownBy(() -> assessments("creditsafe-main", Map.of("BE", "vies-main")))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> {
                    assertThat(e.property()).isEqualTo("hub.bureau.by-country.BE");
                    assertThat(e.getMessage()).contains("'vies-main' is a identity connector, not a bureau");
                });
    }

    @Test
    void routeToABureauWithoutImplementationIsRefused() {
        assertThatThrownBy(() -> new DebtorAssessments(cache, state, properties("creditsafe-main", Map.of("US", "dnb-main")),
                catalog(), List.of(creditsafe), clock, new SimpleMeterRegistry()))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> {
                    assertThat(e.location()).isEqualTo("connectors/bureau/dnb.yaml");
                    assertThat(e.getMessage()).contains("no bureau implementation for protocol 'dnb-direct-plus'")
                            .contains("hub.bureau.by-country.US");
                });
    }

    @Test
    void countryKeyThatIsNotACountryCodeIsRefused() {
        assertThatThrownBy(() -> assessments("creditsafe-main", Map.of("Belgium", "dnb-main")))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class,
                        e -> assertThat(e.property()).isEqualTo("hub.bureau.by-country.Belgium"));
    }

    private DebtorAssessments assessments(String fallback, Map<String, String> byCountry) {
        return new DebtorAssessments(cache, state, properties(fallback, byCountry), catalog(), List.of(creditsafe, dnb),
                clock, new SimpleMeterRegistry());
    }

    private HubProperties properties(String fallback, Map<String, String> byCountry) {
        HubProperties properties = new HubProperties();
        properties.setHome(".");
        properties.getBureau().setConnector(fallback);
        properties.getBureau().getByCountry().putAll(byCountry);
        connector(properties, "creditsafe-main", "bureau/creditsafe",
                Map.of("baseUrl", "https://connect.creditsafe.com/v1", "username", "u", "password", "p"));
        connector(properties, "dnb-main", "bureau/dnb", Map.of("consumerKey", "k", "consumerSecret", "s"));
        connector(properties, "vies-main", "identity/vies", Map.of());
        return properties;
    }

    private ConnectorCatalog catalog() {
        return new ConnectorCatalog(properties(null, Map.of()), new StandardEnvironment());
    }

    private static void connector(HubProperties properties, String id, String descriptor, Map<String, String> values) {
        HubProperties.ConnectorInstanceProperties instance = new HubProperties.ConnectorInstanceProperties();
        instance.setDescriptor(descriptor);
        instance.getProperties().putAll(values);
        properties.getConnectors().put(id, instance);
    }

    private static DebtorIdentifier vat(String prefix, String number) {
        return new DebtorIdentifier(IdentifierScheme.VAT, prefix + number);
    }

    /** The debtor, also in the ledger: an assessment belongs to a ledger debtor. */
    private Debtor debtor(String hubId, String country, DebtorIdentifier identifier) {
        Debtor debtor = new Debtor(hubId, "erp", "1000", hubId, "Debtor " + hubId, country, List.of(identifier),
                null, null, null, null, null, null, null, false, null);
        jdbc.update("insert into debtor (hub_id, debtor_key, source_system, company, debtor_ref, name, country, "
                + "identifiers_hash, version, payload, created_at, updated_at) select ?, ?, 'erp', '1000', ?, ?, ?, '-', "
                + "'1', '{}', current_timestamp, current_timestamp where not exists (select 1 from debtor where hub_id = ?)",
                hubId, debtor.debtorKey(), hubId, debtor.name(), country, hubId);
        return debtor;
    }

    /** A bureau that answers at once and remembers whom it assessed. */
    private final class StubBureau implements BureauClient {

        private final String protocol;
        private final String provider;
        private final List<String> assessed = new ArrayList<>();

        StubBureau(String protocol, String provider) {
            this.protocol = protocol;
            this.provider = provider;
        }

        @Override
        public String protocol() {
            return protocol;
        }

        @Override
        public CreditAssessment assess(ConnectorInstance connector, Debtor debtor) {
            assessed.add(debtor.hubId());
            return new CreditAssessment(provider, debtor.hubId(), "70", 70, "B", null, null, null, null,
                    clock.instant(), clock.instant().plus(TTL));
        }
    }
}
