package com.encours.hub.bureau;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.support.TestDatabase;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Currency;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code credit_assessment} table on PostgreSQL, migrated by Flyway as in production (the routing test
 * runs it on H2): a row written before V6 survives the migration without a connector, and an assessment
 * stored afterwards is read back with the connector that fetched it.
 */
class AssessmentCacheIT {

    private static final Instant FETCHED = Instant.parse("2026-11-24T09:30:00.123Z");
    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static JdbcTemplate jdbc;
    private static AssessmentCache cache;

    @BeforeAll
    static void schemaWithARowFromBeforeV6() {
        String schema = "hub_assess_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.jdbcUrl(schema), TestDatabase.user(), "");
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).target(MigrationVersion.fromVersion("5"))
                .load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        cache = new AssessmentCache(jdbc, new CanonicalJson(JsonMapper.builder().addModule(new JavaTimeModule()).build(),
                VALIDATION.getValidator()));
        for (String hubId : new String[] {"legacy", "routed"}) {
            jdbc.update("insert into debtor (hub_id, debtor_key, source_system, company, debtor_ref, name, country, "
                    + "identifiers_hash, version, payload, created_at, updated_at) values (?, ?, 'erp', '1000', ?, ?, 'BE', "
                    + "'-', '1', '{}', current_timestamp, current_timestamp)", hubId, "erp|1000|" + hubId, hubId, hubId);
        }
        jdbc.update("insert into credit_assessment (hub_id, provider, identifiers_hash, fetched_at, valid_until, payload) "
                + "values ('legacy', 'creditsafe', 'h1', ?, ?, ?)", Timestamp.from(FETCHED),
                Timestamp.from(FETCHED.plusSeconds(86_400)), "{\"provider\":\"creditsafe\",\"score\":85}");

        Flyway.configure().dataSource(dataSource).schemas(schema).load().migrate();
    }

    @AfterAll
    static void closeValidation() {
        VALIDATION.close();
    }

    @Test
    void rowFromBeforeTheMigrationHasNoConnector() {
        assertThat(cache.find("legacy")).hasValueSatisfying(cached -> {
            assertThat(cached.connectorId()).isNull();
            assertThat(cached.assessment().score()).isEqualTo(85);
            assertThat(cached.identifiersHash()).isEqualTo("h1");
        });
    }

    @Test
    void assessmentIsReadBackWithTheConnectorThatFetchedItAndReplacedByTheNextOne() {
        CreditAssessment creditsafe = new CreditAssessment("creditsafe", "BE-X-0417497106", "85", 85, "A", "Very Low Risk",
                new BigDecimal("50000"), Currency.getInstance("EUR"), null, FETCHED, FETCHED.plusSeconds(86_400));
        CreditAssessment dnb = new CreditAssessment("dnb", "150010130", "72", 72, "B", null,
                new BigDecimal("150000"), Currency.getInstance("EUR"), null, FETCHED.plusSeconds(60), FETCHED.plusSeconds(86_460));
        cache.store("routed", creditsafe, "h2", "creditsafe-main");

        cache.store("routed", dnb, "h2", "dnb-main");

        assertThat(cache.find("routed")).contains(new AssessmentCache.Cached(dnb, "h2", FETCHED.plusSeconds(86_460), "dnb-main"));
        assertThat(jdbc.queryForObject("select provider from credit_assessment where hub_id = 'routed'", String.class))
                .isEqualTo("dnb");
    }
}
