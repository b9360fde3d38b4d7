package com.encours.hub.flow;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A finance system refuses one event for good (HTTP 422): that event alone is set aside from its batch and
 * ends in the DLQ with the reason, every other event is delivered; after the fix, an ops retry delivers it
 * once.
 */
class WebhookRefusalIT extends HubIntegrationTest {

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(120);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired EmbeddedActiveMQ broker;

    @Test
    void anEventTheFinanceSystemRefusesIsDeadLetteredAloneAndTheRestIsDelivered() {
        HubQueues queues = new HubQueues(broker);
        String refusedInvoice = portfolio.invoices().get(portfolio.invoices().size() / 2).number();
        finance.refuseEventsContaining("\"docNumber\":\"" + refusedInvoice + "\"");

        extract.run("bc-sandbox");
        await().atMost(FLOW_TIMEOUT).until(() -> queues.pending("DLQ.finance.webhooks") == 1);
        queues.awaitQuiet(FLOW_TIMEOUT);

        List<String> delivered = finance.deliveries().stream()
                .map(d -> readJson(d.body()).at("/item/docNumber").asText()).toList();
        assertThat(delivered).hasSize(portfolio.invoices().size() - 1).doesNotContain(refusedInvoice);
        JsonNode dead = readJson(restClient(OPS).get().uri("/api/ops/failed?address=finance.webhooks&kind=dlq")
                .retrieve().body(String.class)).at("/items/0");
        assertThat(dead.at("/reason").asText()).contains("422");
        assertThat(dead.at("/bodyPreview").asText()).contains(refusedInvoice);

        finance.reset();
        restClient(OPS).post().uri("/api/ops/failed/" + dead.at("/id").asText() + "/retry").retrieve().body(String.class);
        queues.awaitQuiet(FLOW_TIMEOUT);
        assertThat(finance.deliveries()).singleElement()
                .satisfies(d -> assertThat(readJson(d.body()).at("/item/docNumber").asText()).isEqualTo(refusedInvoice));
        assertThat(queues.pending("DLQ.finance.webhooks")).isZero();
    }
}
