package com.encours.hub.bench;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures the sandbox end to end: from the start of an extract to the last event received by the
 * finance webhook, on embedded Artemis and PostgreSQL. Run with {@code mvn -B verify -Pbench}; it
 * prints figures and asserts only that every item arrived (timings are reported, never asserted).
 */
class SandboxThroughputBenchmark extends HubIntegrationTest {

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired EmbeddedActiveMQ broker;

    @Test
    void sandboxItemsPerSecondFromErpToFinanceWebhook() {
        Instant started = Instant.now();
        extract.run("bc-sandbox");
        Instant extracted = Instant.now();
        new HubQueues(broker).awaitQuiet(Duration.ofMinutes(5));

        int items = portfolio.invoices().size();
        assertThat(finance.deliveries()).hasSize(items);
        Instant last = finance.deliveries().stream().map(FinanceWebhookReceiver.Delivery::receivedAt)
                .max(Comparator.naturalOrder()).orElseThrow();
        double seconds = Duration.between(started, last).toMillis() / 1000.0;
        System.out.printf("BENCH sandbox end to end (cold bureau cache, %d debtors): %d items in %.2f s = %.0f items/s;"
                        + " extract alone %.2f s%n", SandboxPortfolio.COMPANIES, items, seconds, items / seconds,
                Duration.between(started, extracted).toMillis() / 1000.0);
    }
}
