package com.encours.hub.flow;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A finance webhook that takes batches (batch-size 50) gets the item events as JSON arrays, far fewer POSTs
 * than events, each event once; an event it refuses for good still ends alone in the DLQ while the events
 * around it are delivered.
 */
@TestPropertySource(properties = {
        "hub.finance.webhooks[0].name=sandbox-finance",
        "hub.finance.webhooks[0].url=http://localhost:${hub.sandbox.port}/finance/webhook",
        "hub.finance.webhooks[0].secret=sandbox-webhook-secret",
        "hub.finance.webhooks[0].batch-size=50"})
class BatchedWebhookIT extends HubIntegrationTest {

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(120);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired EmbeddedActiveMQ broker;

    @Test
    void eventsArriveInBatchesOnceEachAndARefusedOneIsSetAsideAlone() {
        HubQueues queues = new HubQueues(broker);
        String refusedInvoice = portfolio.invoices().get(portfolio.invoices().size() / 3).number();
        finance.refuseEventsContaining("\"docNumber\":\"" + refusedInvoice + "\"");

        assertThat(extract.run("bc-sandbox")).isTrue();
        await().atMost(FLOW_TIMEOUT).until(() -> queues.pending("DLQ.finance.webhooks") == 1);
        queues.awaitQuiet(FLOW_TIMEOUT);

        List<String> delivered = finance.deliveries().stream()
                .map(d -> readJson(d.body()).at("/item/docNumber").asText()).toList();
        assertThat(delivered).hasSize(portfolio.invoices().size() - 1).doesNotHaveDuplicates()
                .doesNotContain(refusedInvoice);
        assertThat(finance.deliveries()).allSatisfy(d ->
                assertThat(d.idempotencyKey()).isEqualTo(readJson(d.body()).at("/eventId").asText()));
        int debtorEvents = finance.deliveries("exposure.changed").size() + finance.deliveries("debtor.assessed").size()
                + finance.deliveries("limit.breached").size() + finance.deliveries("score.dropped").size();
        assertThat(finance.requests() - debtorEvents).as("POSTs of item events")
                .isLessThan(portfolio.invoices().size() / 5);
    }
}
