package com.encours.hub.core.broker;

import jakarta.annotation.PreDestroy;
import com.encours.hub.core.partner.PartnerException;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The wait between two delivery attempts of a failed message, spent by the consumer that holds it, before
 * it rolls back. broker.xml redelivers at once (redelivery-delay 0): a message the broker held back for a
 * delay would be overtaken by the next message of its group, and one debtor's events would go out of
 * order. Held here, the message keeps its group waiting behind it until it succeeds or, after
 * {@code hub.broker.max-delivery-attempts}, goes to its DLQ — without a wait after the last attempt.
 * Delays: {@code hub.broker.redelivery-delay-ms}, times 3 per attempt, up to
 * {@code hub.broker.max-redelivery-delay-ms}, or longer when the partner's Retry-After asks so. A hub that stops cuts the wait short; the message goes back
 * to the broker as it would after the wait.
 */
@Component("redeliveryBackoff")
public class RedeliveryBackoff {

    static final double MULTIPLIER = 3.0;

    private final int maxDeliveryAttempts;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public RedeliveryBackoff(@Value("${hub.broker.max-delivery-attempts:6}") int maxDeliveryAttempts,
                             @Value("${hub.broker.redelivery-delay-ms:2000}") long initialDelayMs,
                             @Value("${hub.broker.max-redelivery-delay-ms:600000}") long maxDelayMs) {
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.initialDelay = Duration.ofMillis(initialDelayMs);
        this.maxDelay = Duration.ofMillis(maxDelayMs);
    }

    /** Waits before the rollback of a message consumed from the broker; returns at once for anything else. */
    public void await(Exchange exchange) throws InterruptedException {
        Integer deliveryCount = exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class);
        if (deliveryCount == null) {
            return;
        }
        Duration delay = delayAfter(deliveryCount);
        if (!delay.isZero() && exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof PartnerException partner
                && partner.retryAfter().isPresent() && partner.retryAfter().get().compareTo(delay) > 0) {
            delay = partner.retryAfter().get(); // the partner said when: do not call it before
        }
        if (!delay.isZero()) {
            stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The wait after failed attempt {@code attempt} (1 = the first delivery); zero after the last one. */
    public Duration delayAfter(int attempt) {
        if (maxDeliveryAttempts > 0 && attempt >= maxDeliveryAttempts) {
            return Duration.ZERO;
        }
        double millis = initialDelay.toMillis() * Math.pow(MULTIPLIER, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }

    @PreDestroy
    void stop() {
        stopping.countDown();
    }
}
