package com.encours.hub.finance;

import com.encours.hub.config.HubProperties;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.IdempotentOperations;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.ConsumerTransaction;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.model.EnrichedOpenItem;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import jakarta.jms.Destination;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posts each enriched event to every configured finance webhook: signed (see {@link WebhookSignature}),
 * with the event id as {@code Idempotency-Key}, retried with backoff, and recorded per webhook once
 * delivered, so that a redelivered message skips the webhooks that already have it. A message holds the
 * events of one enrich batch: one broker commit for all of them. A webhook with a {@code batch-size} above 1
 * gets them as JSON arrays instead, one POST per batch: over a network, one round trip per event is what
 * limits a webhook's throughput.
 */
@Component
public class WebhookDelivery {

    private static final RetryPolicy POLICY =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(30));

    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
    /** Largest batch: an enrich message holds at most a ledger batch of events (200 by default). */
    static final int MAX_BATCH_SIZE = 500;
    /** Set on a POST whose body is a JSON array of events: how many. */
    public static final String BATCH_SIZE_HEADER = "X-Encours-Batch-Size";

    private final List<HubProperties.Webhook> webhooks;
    private final PartnerHttp http;
    private final IdempotentOperations done;
    private final CanonicalJson json;
    private final ConsumerTransaction transaction;
    private final Destination queue;
    private final Clock clock;
    private final int webhookGroups;

    public WebhookDelivery(HubProperties properties, PartnerHttp http, IdempotentOperations done, CanonicalJson json,
                           ConsumerTransaction transaction, HubDestinations destinations, Clock clock,
                           @Value("${hub.flows.webhook-groups}") int webhookGroups) {
        this.webhookGroups = webhookGroups;
        this.webhooks = List.copyOf(properties.getFinance().getWebhooks());
        this.http = http;
        this.done = done;
        this.json = json;
        this.transaction = transaction;
        this.queue = destinations.queue(HubAddresses.FINANCE_WEBHOOKS);
        this.clock = clock;
        webhooks.forEach(WebhookDelivery::checkConfigured);
    }

    /**
     * Body: a JSON array of events (what enrich sends) or one event. Events go out in order; each
     * webhook's deliveries already recorded are skipped, so a redelivered batch resumes where it stopped.
     */
    public void deliver(Exchange exchange) {
        Message message = exchange.getMessage();
        String debtorEventType = message.getHeader(HubAddresses.EVENT_TYPE, String.class);
        if (debtorEventType != null) {
            deliverDebtorEvent(message.getHeader(HubAddresses.MESSAGE_ID, String.class), debtorEventType,
                    message.getBody(String.class));
            message.setBody(null);
            return;
        }
        List<EnrichedOpenItem> events = json.readOneOrBatch(message.getBody(String.class), EnrichedOpenItem.class);
        for (EnrichedOpenItem event : events) {
            if (event.eventId() == null || event.eventId().isBlank()) {
                throw new InvalidMessageException("finance event without eventId");
            }
        }
        List<String> ids = events.stream().map(EnrichedOpenItem::eventId).toList();
        Map<String, Set<String>> deliveredBefore = new HashMap<>();
        webhooks.forEach(webhook -> deliveredBefore.put(webhook.getName(),
                new HashSet<>(done.doneAmong(scope(webhook), ids))));
        webhooks.stream().filter(webhook -> webhook.getBatchSize() > 1)
                .forEach(webhook -> postInBatches(webhook, events, deliveredBefore.get(webhook.getName())));
        for (EnrichedOpenItem event : events) {
            String body = json.write(event);
            try {
                for (HubProperties.Webhook webhook : webhooks) {
                    if (!deliveredBefore.get(webhook.getName()).contains(event.eventId())) {
                        post(webhook, event.eventId(), EnrichedOpenItem.EVENT_TYPE, body);
                        done.markDone(scope(webhook), event.eventId());
                    }
                }
            } catch (PartnerException e) {
                // a finance system that is down, or refuses our credentials, refuses the next events too:
                // retry the rest, in order
                if (e.isTransient() || e instanceof PartnerAuthenticationException || events.size() == 1) {
                    throw e;
                }
                setAside(event, body, e);
            }
        }
        message.setBody(null);
    }

    /**
     * A webhook that takes batches ({@code batchSize} > 1) gets the events it lacks as JSON arrays, in order,
     * with the batch's id as Idempotency-Key and {@value #BATCH_SIZE_HEADER}; each event is recorded once its
     * batch is taken. A batch refused for good is left, with the rest, to the delivery one event at a time, which
     * sets the refused event aside alone.
     *
     * @param delivered the events this webhook has; the batches taken are added
     */
    private void postInBatches(HubProperties.Webhook webhook, List<EnrichedOpenItem> events, Set<String> delivered) {
        List<EnrichedOpenItem> pending = events.stream().filter(event -> !delivered.contains(event.eventId())).toList();
        for (int from = 0; from < pending.size(); from += webhook.getBatchSize()) {
            List<EnrichedOpenItem> batch = pending.subList(from, Math.min(pending.size(), from + webhook.getBatchSize()));
            try {
                post(webhook, EnrichedOpenItem.messageId(batch), EnrichedOpenItem.EVENT_TYPE, json.write(batch),
                        batch.size());
            } catch (PartnerException e) {
                if (e.isTransient() || e instanceof PartnerAuthenticationException) {
                    throw e;
                }
                log.warn("webhook {} refused a batch of {} events; sending them one at a time: {}", webhook.getName(),
                        batch.size(), e.getMessage());
                return;
            }
            batch.forEach(event -> {
                done.markDone(scope(webhook), event.eventId());
                delivered.add(event.eventId());
            });
        }
    }

    /**
     * A debtor event (one per message, as published on its topic), posted as it is to the webhooks that do not
     * have it yet; a refusal fails the message, which holds nothing else.
     */
    private void deliverDebtorEvent(String eventId, String eventType, String body) {
        if (eventId == null || eventId.isBlank() || body == null || body.isBlank()) {
            throw new InvalidMessageException(eventType + " event without id or body");
        }
        for (HubProperties.Webhook webhook : webhooks) {
            if (done.doneAmong(scope(webhook), List.of(eventId)).isEmpty()) {
                post(webhook, eventId, eventType, body);
                done.markDone(scope(webhook), eventId);
            }
        }
    }

    private void post(HubProperties.Webhook webhook, String eventId, String eventType, String body) {
        post(webhook, eventId, eventType, body, 0);
    }

    /** @param batchSize the events in a JSON array body; 0 for a body of one event */
    private void post(HubProperties.Webhook webhook, String idempotencyKey, String eventType, String body, int batchSize) {
        long now = clock.instant().getEpochSecond();
        http.send("webhook-" + webhook.getName(), POLICY, () -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhook.getUrl()))
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey)
                    .header("X-Encours-Event-Type", eventType)
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(webhook.getSecret(), now, body));
            if (batchSize > 0) {
                request.header(BATCH_SIZE_HEADER, String.valueOf(batchSize));
            }
            return request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
        });
    }

    /**
     * A webhook refused this event for good (a 4xx other than 429): it goes back on this flow's queue alone,
     * to be retried and dead-lettered by itself, and the other events of the batch go on.
     */
    private void setAside(EnrichedOpenItem event, String body, PartnerException refusal) {
        log.warn("{}: set aside to be retried alone: {}", event.eventId(), refusal.getMessage());
        transaction.send(queue, body, Map.of(HubAddresses.MESSAGE_ID, event.eventId(),
                "JMSXGroupID", HubMessages.webhookGroup(event.item().debtorKey(), webhookGroups)));
    }

    private static String scope(HubProperties.Webhook webhook) {
        return "webhook:" + webhook.getName();
    }

    private static void checkConfigured(HubProperties.Webhook webhook) {
        if (webhook.getName() == null || webhook.getUrl() == null || webhook.getSecret() == null
                || webhook.getSecret().isBlank()) {
            throw new IllegalStateException("hub.finance.webhooks: every webhook needs name, url and secret (" + webhook + ")");
        }
        if (webhook.getBatchSize() < 1 || webhook.getBatchSize() > MAX_BATCH_SIZE) {
            throw new IllegalStateException("hub.finance.webhooks: batch-size of " + webhook.getName() + " must be 1 to "
                    + MAX_BATCH_SIZE + ", is " + webhook.getBatchSize());
        }
    }
}
