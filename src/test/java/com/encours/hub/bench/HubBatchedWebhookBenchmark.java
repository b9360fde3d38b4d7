package com.encours.hub.bench;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link HubThroughputBenchmark} with the finance webhook taking batches of 100 events per POST
 * ({@code batch-size}), reported as {@code batched_webhook_*}: what a finance system that accepts batches gets.
 */
@TestPropertySource(properties = {
        "hub.finance.webhooks[0].name=sandbox-finance",
        "hub.finance.webhooks[0].url=http://localhost:${hub.sandbox.port}/finance/webhook",
        "hub.finance.webhooks[0].secret=sandbox-webhook-secret",
        "hub.finance.webhooks[0].batch-size=100"})
class HubBatchedWebhookBenchmark extends HubThroughputBenchmark {

    @Override
    String figure(String name) {
        return "batched_webhook_" + name;
    }
}
