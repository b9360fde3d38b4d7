package com.encours.hub.ops;

import com.encours.hub.core.broker.HubAddresses;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * Remembers why a message failed, for the ops API to show next to it once the broker has moved it to its
 * dead-letter queue. Called by the {@code hub-errors} route configuration before the route rolls back.
 */
@Component("failureRecorder")
public class FailureRecorder {

    /** Header naming the hub address a message belongs to, when its JMSDestination does not say it. */
    public static final String ADDRESS = "hubAddress";

    private static final Logger log = LoggerFactory.getLogger(FailureRecorder.class);
    private static final int REASON_MAX = 4000;
    private static final int TYPE_MAX = 256;

    private final MessageFailures failures;

    public FailureRecorder(MessageFailures failures) {
        this.failures = failures;
    }

    public void record(Exchange exchange) {
        Message message = exchange.getMessage();
        String id = message.getHeader(HubAddresses.MESSAGE_ID, String.class);
        Throwable failure = failure(exchange);
        String address = address(exchange);
        if (id == null || address == null) {
            log.warn("Failed message without {} or address cannot be tracked for ops: {}", HubAddresses.MESSAGE_ID,
                    reason(failure));
            return;
        }
        failures.record(id, address, truncate(reason(failure), REASON_MAX),
                truncate(failure == null ? "unknown" : failure.getClass().getName(), TYPE_MAX),
                message.getHeader("JMSXDeliveryCount", Integer.class), Instant.now());
    }

    /** The exception being handled: Camel moves it to a property while an onException clause runs. */
    static Throwable failure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught != null ? caught : exchange.getException();
    }

    static String reason(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        return failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** The hub address of the message: the explicit header, else the address it was sent to. */
    static String address(Exchange exchange) {
        String explicit = exchange.getMessage().getHeader(ADDRESS, String.class);
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        Object destination = exchange.getMessage().getHeader("JMSDestination");
        try {
            String name = destination instanceof Queue queue ? queue.getQueueName()
                    : destination instanceof Topic topic ? topic.getTopicName()
                    : destination instanceof Destination ? destination.toString() : null;
            // A fully qualified queue name (address::queue) starts with the address.
            return name == null ? null : name.split("::", 2)[0];
        } catch (JMSException e) {
            log.warn("Cannot read the JMS destination of a failed message", e);
            return null;
        }
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
