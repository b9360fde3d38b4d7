package com.encours.hub.erp.sap;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.FaultPlan.Fault;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.SapS4Simulator;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An SAP S/4HANA extract through the whole hub, on real Artemis and PostgreSQL: the sandbox's SAP pages
 * -> mapping -> erp.items -> ledger, for two company codes in two currencies, one record refused alone.
 */
class SapS4ExtractIT extends HubIntegrationTest {

    private static final String ERP = "sap-sandbox";
    private static final String HUB_COMPANY = "SANDBOX-SAP";
    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(90);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired SapS4Simulator sap;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired JdbcTemplate jdbc;

    @DynamicPropertySource
    static void sapConnector(DynamicPropertyRegistry registry) {
        String prefix = "hub.connectors." + ERP;
        registry.add(prefix + ".descriptor", () -> "erp/sap-s4hana");
        registry.add(prefix + ".schedule", () -> "60s");
        registry.add(prefix + ".properties.baseUrl", () -> "http://localhost:${hub.sandbox.port}" + SapS4Simulator.ODATA_ROOT);
        registry.add(prefix + ".properties.sapClient", () -> SapS4Simulator.SAP_CLIENT);
        registry.add(prefix + ".properties.companyCodes",
                () -> SapS4Simulator.EURO_COMPANY_CODE + "," + SapS4Simulator.DOLLAR_COMPANY_CODE);
        registry.add(prefix + ".properties.company", () -> HUB_COMPANY);
        registry.add(prefix + ".properties.username", () -> SapS4Simulator.USERNAME);
        registry.add(prefix + ".properties.password", () -> SapS4Simulator.PASSWORD);
        registry.add(prefix + ".properties.pageSize", () -> "100");
    }

    @Test
    void extractPutsBothCompanyCodesInTheLedgerAndQuarantinesTheBadRecordAlone() {
        sap.faults().once(Fault.tooManyRequests(1).onRequestsContaining("A_OperationalAcctgDocItemCube"));
        sap.injectOpenItem("{\"CompanyCode\":\"1010\",\"FiscalYear\":\"2026\",\"AccountingDocument\":\"1899999999\","
                + "\"AccountingDocumentItem\":\"001\",\"FinancialAccountType\":\"D\",\"Customer\":\"1010000\","
                + "\"DebitCreditCode\":\"S\",\"NetDueDate\":\"/Date(1764633600000)/\",\"AmountInTransactionCurrency\":\"lots\","
                + "\"TransactionCurrency\":\"EUR\",\"IsCleared\":false}");

        assertThat(extract.run(ERP)).isTrue();
        new HubQueues(broker).awaitQuiet(FLOW_TIMEOUT);

        assertThat(jdbc.queryForObject("select count(*) from debtor where source_system = ? and company = ?", Long.class,
                ERP, HUB_COMPANY)).isEqualTo(portfolio.companies().size());
        List<Map<String, Object>> open = jdbc.queryForList("select source_item_key, doc_type, currency, open_amount "
                + "from open_item where source_system = ? and status = 'OPEN'", ERP);
        long openInvoices = portfolio.invoices().stream().filter(i -> i.remainingAmount().signum() > 0).count();
        long partlyPaid = portfolio.invoices().stream().filter(i -> i.remainingAmount().signum() > 0
                && i.remainingAmount().compareTo(i.totalAmount()) < 0).count();
        assertThat(open).hasSize((int) (openInvoices + partlyPaid)).allSatisfy(row -> assertThat(row.get("currency"))
                .isEqualTo(row.get("source_item_key").toString().startsWith(SapS4Simulator.DOLLAR_COMPANY_CODE + "/") ? "USD" : "EUR"));
        assertThat(open).filteredOn(row -> row.get("doc_type").equals("PAYMENT")).hasSize((int) partlyPaid);

        // what the debtor still owes in euros: its open invoices less the payments made on account
        SandboxPortfolio.Company company = portfolio.companies().get(0);
        BigDecimal owed = portfolio.invoices().stream().filter(i -> i.customer().equals(company) && i.currency().equals("EUR"))
                .map(SandboxPortfolio.Invoice::remainingAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal ledger = jdbc.queryForObject("select coalesce(sum(case when doc_type in ('PAYMENT', 'CREDIT_NOTE') "
                + "then -open_amount else open_amount end), 0) from open_item where debtor_key = ? and currency = 'EUR'",
                BigDecimal.class, ERP + ":" + HUB_COMPANY + ":" + SapS4Simulator.customerNumber(company));
        assertThat(ledger).isEqualByComparingTo(owed);

        HubQueues queues = new HubQueues(broker);
        await().atMost(FLOW_TIMEOUT).until(() -> queues.pending("invalid.erp.items") > 0);
        assertThat(queues.pending("invalid.erp.items")).as("the bad record, alone").isEqualTo(1);
        JsonNode quarantine = readJson(restClient().get().uri("/api/ops/failed?address=erp.items&kind=quarantine")
                .retrieve().body(String.class));
        assertThat(quarantine.at("/items/0/reason").asText()).contains("AmountInTransactionCurrency must be a decimal string");
        assertThat(quarantine.at("/items/0/bodyPreview").asText()).contains("1899999999");
    }
}
