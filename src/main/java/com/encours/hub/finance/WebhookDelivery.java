package com.encours.hub.finance;

import com.encours.hub.config.HubProperties;
import com.encours.hub.core.IdempotentOperations;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Posts each enriched event to every configured finance webhook: signed (see {@link WebhookSignature}),
 * with the event id as {@code Idempotency-Key}, retried with backoff, and recorded per webhook once
 * delivered, so that a redelivered message skips the webhooks that already have it.
 */
@Component
public class WebhookDelivery {

    private static final RetryPolicy POLICY =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(30));

    private final List<HubProperties.Webhook> webhooks;
    private final PartnerHttp http;
    private final IdempotentOperations done;
    private final Clock clock;

    public WebhookDelivery(HubProperties properties, PartnerHttp http, IdempotentOperations done, Clock clock) {
        this.webhooks = List.copyOf(properties.getFinance().getWebhooks());
        this.http = http;
        this.done = done;
        this.clock = clock;
        webhooks.forEach(WebhookDelivery::checkConfigured);
    }

    public void deliver(Exchange exchange) {
        String eventId = exchange.getMessage().getHeader(HubAddresses.MESSAGE_ID, String.class);
        if (eventId == null || eventId.isBlank()) {
            throw new InvalidMessageException("finance event without " + HubAddresses.MESSAGE_ID);
        }
        String body = exchange.getMessage().getBody(String.class);
        for (HubProperties.Webhook webhook : webhooks) {
            String scope = "webhook:" + webhook.getName();
            if (done.isDone(scope, eventId)) {
                continue;
            }
            long now = clock.instant().getEpochSecond();
            http.send("webhook-" + webhook.getName(), POLICY, () -> HttpRequest.newBuilder(URI.create(webhook.getUrl()))
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", eventId)
                    .header("X-Encours-Event-Type", "open-item.enriched")
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(webhook.getSecret(), now, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build());
            done.markDone(scope, eventId);
        }
    }

    private static void checkConfigured(HubProperties.Webhook webhook) {
        if (webhook.getName() == null || webhook.getUrl() == null || webhook.getSecret() == null
                || webhook.getSecret().isBlank()) {
            throw new IllegalStateException("hub.finance.webhooks: every webhook needs name, url and secret (" + webhook + ")");
        }
    }
}
