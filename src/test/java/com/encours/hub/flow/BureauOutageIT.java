package com.encours.hub.flow;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FaultPlan;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bureau fails (HTTP 503) for one debtor: that debtor's events are redelivered by the broker, land
 * in the DLQ after the configured attempts and are visible to ops with the reason; once the bureau
 * recovers, a retry through the ops API delivers each of them exactly once.
 */
class BureauOutageIT extends HubIntegrationTest {

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(120);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired CreditsafeSimulator bureau;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired EmbeddedActiveMQ broker;
    @Autowired JdbcTemplate jdbc;

    @Test
    void eventsStuckByABureauOutageAreRetriedByOpsAndDeliveredOnce() {
        HubQueues queues = new HubQueues(broker);
        // the debtor with the fewest invoices: each failed delivery waits out the client's own retries
        SandboxPortfolio.Company unlucky = portfolio.companies().stream()
                .filter(c -> portfolio.invoices().stream().anyMatch(i -> i.customer().equals(c)))
                .min(Comparator.comparingLong(c -> portfolio.invoices().stream().filter(i -> i.customer().equals(c)).count()))
                .orElseThrow();
        List<String> itsInvoices = portfolio.invoices().stream().filter(i -> i.customer().equals(unlucky))
                .map(SandboxPortfolio.Invoice::number).toList();
        bureau.faults().always(FaultPlan.Fault.status(503).onRequestsContaining(unlucky.regNo()));

        extract.run("bc-sandbox");
        await().atMost(FLOW_TIMEOUT).until(() -> changesIn(deadLetters()) == itsInvoices.size());
        queues.awaitQuiet(FLOW_TIMEOUT);

        assertThat(finance.deliveries()).hasSize(portfolio.invoices().size() - itsInvoices.size());
        // the debtor's changes were set aside from their batches: the DLQ holds them and nothing else
        JsonNode failed = deadLetters();
        assertThat(changesIn(failed)).isEqualTo(itsInvoices.size());
        int messages = failed.at("/total").asInt();
        for (JsonNode message : failed.at("/items")) {
            assertThat(message.at("/reason").asText()).contains("503");
            assertThat(message.at("/attempts").asInt()).isEqualTo(3);
            assertThat(message.at("/originQueue").asText()).isEqualTo("ledger.changes.enrich");
            assertThat(message.at("/bodyPreview").asText()).contains(unlucky.number());
        }

        bureau.faults().clear();
        JsonNode retried = readJson(restClient(OPS).post().uri("/api/ops/failed/retry?address=ledger.changes&kind=dlq")
                .retrieve().body(String.class));
        assertThat(retried.at("/retried").asInt()).isEqualTo(messages);
        queues.awaitQuiet(FLOW_TIMEOUT);

        Map<String, Long> deliveriesPerInvoice = finance.deliveries().stream()
                .map(d -> readJson(d.body()).at("/item/docNumber").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(deliveriesPerInvoice).hasSize(portfolio.invoices().size());
        itsInvoices.forEach(number -> assertThat(deliveriesPerInvoice.get(number)).as(number).isEqualTo(1));
        assertThat(queues.pending("DLQ.ledger.changes")).isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'RETRY' and actor = ?",
                Integer.class, OPS)).isEqualTo(messages);
    }

    private JsonNode deadLetters() {
        return readJson(restClient(OPS).get().uri("/api/ops/failed?address=ledger.changes&kind=dlq&size=200")
                .retrieve().body(String.class));
    }

    /** A message on ledger.changes holds hubRecordCount changes (one when the header is absent). */
    private static int changesIn(JsonNode failed) {
        int changes = 0;
        for (JsonNode message : failed.at("/items")) {
            changes += message.at("/headers/hubRecordCount").asInt(1);
        }
        return changes;
    }
}
