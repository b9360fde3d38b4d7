package com.encours.hub.bench;

import com.encours.hub.erp.ErpExtract;
import com.encours.hub.sandbox.CreditsafeSimulator;
import com.encours.hub.sandbox.FinanceWebhookReceiver;
import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.support.HubIntegrationTest;
import com.encours.hub.support.HubQueues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub end to end, on embedded Artemis (broker.xml settings) and PostgreSQL: from the start of an
 * extract of the Business Central simulator to the last event received by the finance webhook. A first
 * sync (cold: every debtor new to the bureau cache) is followed by a second one in which every invoice
 * changed (warm bureau cache): the warm figure is the hub's throughput, compared with the raw broker.
 * Counts are asserted; timings are reported only.
 */
class HubThroughputBenchmark extends HubIntegrationTest {

    static final int COMPANIES = Integer.getInteger("hub.bench.hub.companies", 300);
    static final int INVOICES = Integer.getInteger("hub.bench.hub.invoices", 5_000);

    @Autowired ErpExtract extract;
    @Autowired SandboxPortfolio portfolio;
    @Autowired FinanceWebhookReceiver finance;
    @Autowired CreditsafeSimulator bureau;
    @Autowired EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void size(DynamicPropertyRegistry registry) {
        registry.add("hub.sandbox.companies", () -> COMPANIES);
        registry.add("hub.sandbox.invoices", () -> INVOICES);
    }

    @Test
    void itemsPerSecondFromErpToFinanceWebhook() {
        HubQueues queues = new HubQueues(broker);
        int items = portfolio.invoices().size();

        // 1. cold: every debtor is assessed once by the bureau
        Instant started = Instant.now();
        extract.run("bc-sandbox");
        double coldExtract = seconds(started, Instant.now());
        queues.awaitQuiet(Duration.ofMinutes(20));
        List<FinanceWebhookReceiver.Delivery> cold = List.copyOf(finance.deliveries());
        assertThat(cold).hasSize(items);
        double coldSeconds = seconds(started, last(cold));
        int distinctDebtors = debtors(cold).size();
        int coldBureauCalls = bureau.reportRequests();
        assertThat(coldBureauCalls).as("one bureau report per distinct changed debtor").isEqualTo(distinctDebtors);

        // 2. warm: every invoice changed, every debtor already in the assessment cache
        portfolio.postponeAll(Instant.now());
        finance.reset();
        Instant again = Instant.now();
        extract.run("bc-sandbox");
        double warmExtract = seconds(again, Instant.now());
        queues.awaitQuiet(Duration.ofMinutes(20));
        List<FinanceWebhookReceiver.Delivery> warm = List.copyOf(finance.deliveries());
        assertThat(warm).hasSize(items);
        double warmSeconds = seconds(again, last(warm));
        int warmBureauCalls = bureau.reportRequests() - coldBureauCalls;
        assertThat(warmBureauCalls).as("assessments come from the cache").isZero();

        BenchResults.put(figure("hub_items"), items, "open items per sync, " + COMPANIES + " debtors (Business Central simulator over HTTP)");
        BenchResults.put(figure("hub_items_per_s_cold"), items / coldSeconds, "end to end ERP -> ledger -> enrich -> webhook, first sync (bureau called per debtor)");
        BenchResults.put(figure("hub_extract_s_cold"), coldExtract, "first sync: time until every page is on erp.items");
        BenchResults.put(figure("hub_items_per_s"), items / warmSeconds, "end to end ERP -> ledger -> enrich -> webhook, every item changed, warm bureau cache");
        BenchResults.put(figure("hub_extract_s_warm"), warmExtract, "second sync: time until every page is on erp.items");
        BenchResults.put(figure("bureau_calls_per_sync"), coldBureauCalls, "bureau reports requested by the first sync");
        BenchResults.put(figure("distinct_changed_debtors"), distinctDebtors, "distinct debtors of the items changed by the first sync");
        BenchResults.put(figure("bureau_calls_warm_sync"), warmBureauCalls, "bureau reports requested by the second sync (warm cache)");
        if (BenchResults.get("raw_artemis_msgs_per_s") instanceof Number raw) {
            BenchResults.put(figure("hub_vs_raw_artemis_ratio"), (items / warmSeconds) / raw.doubleValue(),
                    "hub_items_per_s / raw_artemis_msgs_per_s (target >= 0.8)");
        }
    }

    /** The name a figure of this benchmark is reported under. */
    String figure(String name) {
        return name;
    }

    private static Set<String> debtors(List<FinanceWebhookReceiver.Delivery> deliveries) {
        return deliveries.stream().map(d -> d.body().replaceAll("(?s).*\"hubId\"\\s*:\\s*\"([^\"]+)\".*", "$1"))
                .collect(Collectors.toSet());
    }

    private static Instant last(List<FinanceWebhookReceiver.Delivery> deliveries) {
        return deliveries.stream().map(FinanceWebhookReceiver.Delivery::receivedAt).max(Instant::compareTo).orElseThrow();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
