package com.encours.hub.erp.exact;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.ExactOnlineSimulator;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The whole hub with an Exact Online connector configured as in the sandbox: an extract of both divisions
 * goes through the real mapping, validation and broker into the ledger, each division under its company
 * code, and a malformed receivable is quarantined alone with its reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExactOnlineSandboxIT extends HubIntegrationTest {

    private static final String CONNECTOR = "exact-sandbox";

    @Autowired ErpExtract extract;
    @Autowired ExactOnlineSimulator exact;
    @Autowired SandboxPortfolio portfolio;
    @Autowired RefreshTokenStore tokens;
    @Autowired JdbcTemplate jdbc;

    @DynamicPropertySource
    static void exactConnector(DynamicPropertyRegistry registry) {
        String prefix = "hub.connectors." + CONNECTOR;
        registry.add(prefix + ".descriptor", () -> "erp/exact-online");
        registry.add(prefix + ".schedule", () -> "60s");
        registry.add(prefix + ".properties.baseUrl", () -> "http://localhost:${hub.sandbox.port}/exact");
        registry.add(prefix + ".properties.clientId", () -> ExactOnlineSimulator.CLIENT_ID);
        registry.add(prefix + ".properties.clientSecret", () -> ExactOnlineSimulator.CLIENT_SECRET);
        registry.add(prefix + ".properties.initialRefreshToken", ExactOnlineSimulator::initialRefreshToken);
        registry.add(prefix + ".properties.divisions", () -> ExactOnlineSimulator.BENELUX + "=BENELUX, "
                + ExactOnlineSimulator.FRANCE + "=FRANCE");
    }

    @Test
    @Order(1)
    void extractOfBothDivisionsReachesTheLedgerAndTheBrokenRecordIsQuarantinedAlone() {
        exact.injectReceivable(ExactOnlineSimulator.FRANCE, "{\"HID\":1999999,\"AccountCode\":\"C10010\",\"Amount\":\"n/a\"}");
        Map<String, Integer> expected = Map.of(
                "BENELUX", exact.openInvoices(ExactOnlineSimulator.BENELUX).size()
                        + exact.creditNoteHolders(ExactOnlineSimulator.BENELUX).size(),
                "FRANCE", exact.openInvoices(ExactOnlineSimulator.FRANCE).size()
                        + exact.creditNoteHolders(ExactOnlineSimulator.FRANCE).size());

        assertThat(extract.run(CONNECTOR)).isTrue();

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(itemsByCompany()).isEqualTo(expected));
        assertThat(jdbc.queryForObject("select count(*) from open_item where source_system = ? and doc_type = 'CREDIT_NOTE'",
                Integer.class, CONNECTOR)).isEqualTo(exact.creditNoteHolders(ExactOnlineSimulator.BENELUX).size()
                + exact.creditNoteHolders(ExactOnlineSimulator.FRANCE).size());
        assertThat(jdbc.queryForObject("select count(*) from debtor where source_system = ?", Integer.class, CONNECTOR))
                .isEqualTo(exact.customers(ExactOnlineSimulator.BENELUX).size() + exact.customers(ExactOnlineSimulator.FRANCE).size());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(quarantinedReasons())
                .filteredOn(reason -> reason.contains("erp/exact-online/receivable.jsonata")).singleElement()
                .asString().contains("Amount must be a number, was string n/a"));
        assertThat(tokens.current(CONNECTOR).orElseThrow().refreshToken())
                .isEqualTo(exact.currentRefreshToken()).isNotEqualTo(ExactOnlineSimulator.initialRefreshToken());
    }

    @Test
    @Order(2)
    void aReceivableTheListNoLongerHasIsClearedByTheNextExtract() {
        assertThat(extract.run(CONNECTOR)).isTrue();
        int listed = exact.openInvoices(ExactOnlineSimulator.BENELUX).size()
                + exact.creditNoteHolders(ExactOnlineSimulator.BENELUX).size();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(open("BENELUX")).isEqualTo(listed));

        SandboxPortfolio.Invoice paid = exact.openInvoices(ExactOnlineSimulator.BENELUX).get(0);
        portfolio.pay(paid.number(), paid.remainingAmount(), Instant.now());
        assertThat(extract.run(CONNECTOR)).isTrue();

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(open("BENELUX")).isEqualTo(listed - 1));
        assertThat(jdbc.queryForObject("select count(*) from open_item where source_system = ? and company = 'BENELUX' "
                + "and status = 'CLEARED' and open_amount = 0", Integer.class, CONNECTOR)).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aListThatLostMoreThanTheAllowedShareClearsNothingAndFailsTheExtract() {
        assertThat(extract.run(CONNECTOR)).isTrue();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(open("FRANCE"))
                .isEqualTo(exact.openInvoices(ExactOnlineSimulator.FRANCE).size()
                        + exact.creditNoteHolders(ExactOnlineSimulator.FRANCE).size()));
        int before = open("FRANCE");

        // 40 % of France's receivables gone at once: more than maxVanishedShare 0.3, a list cut short
        List<SandboxPortfolio.Invoice> invoices = exact.openInvoices(ExactOnlineSimulator.FRANCE);
        invoices.subList(0, (int) Math.ceil(before * 0.4)).forEach(invoice ->
                portfolio.pay(invoice.number(), invoice.remainingAmount(), Instant.now()));

        assertThatThrownBy(() -> extract.run(CONNECTOR)).hasMessageContaining("the ReceivablesList of division "
                + ExactOnlineSimulator.FRANCE).hasMessageContaining("looks truncated; nothing was cleared");
        assertThat(open("FRANCE")).isEqualTo(before);
    }

    private int open(String company) {
        return jdbc.queryForObject("select count(*) from open_item where source_system = ? and company = ? "
                + "and status in ('OPEN', 'PARTIAL')", Integer.class, CONNECTOR, company);
    }

    /** What ops read in GET /api/ops/failed?kind=quarantine. */
    private List<String> quarantinedReasons() {
        JsonNode failed = readJson(restClient().get().uri("/api/ops/failed?kind=quarantine&size=200")
                .retrieve().body(String.class));
        return failed.path("items").findValuesAsText("reason");
    }

    /** Open items per company: what the ReceivablesList holds (another test clears one). */
    private Map<String, Integer> itemsByCompany() {
        Map<String, Integer> counts = new HashMap<>();
        jdbc.query("select company, count(*) from open_item where source_system = ? and status in ('OPEN', 'PARTIAL') group by company",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                }, CONNECTOR);
        return counts;
    }
}
