package com.encours.hub.ops;

import com.encours.hub.core.broker.HubAddresses;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moves a message that can never succeed to the {@code invalid.<address>} quarantine of its address, with
 * the reason, at once and without retries. Called by the {@code hub-errors} route configuration for an
 * {@link com.encours.hub.core.InvalidMessageException}; the send joins the consuming route's JMS
 * transaction, so the message is either consumed and quarantined, or neither.
 */
@Component("quarantine")
public class Quarantine {

    static final String GROUP_ID = "JMSXGroupID";

    private static final Logger log = LoggerFactory.getLogger(Quarantine.class);
    private static final int REASON_MAX = 4000;

    private final ProducerTemplate producer;

    public Quarantine(ProducerTemplate producer) {
        this.producer = producer;
    }

    public void send(Exchange exchange) {
        String address = FailureRecorder.address(exchange);
        if (address == null) {
            throw new IllegalStateException("Cannot quarantine a message whose hub address is unknown: set the "
                    + FailureRecorder.ADDRESS + " header or consume it from a JMS queue");
        }
        String reason = FailureRecorder.truncate(FailureRecorder.reason(FailureRecorder.failure(exchange)), REASON_MAX);
        Map<String, Object> headers = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (name.startsWith("hub") || name.equals(GROUP_ID)) {
                headers.put(name, value);
            }
        });
        if (headers.get(HubAddresses.MESSAGE_ID) == null || headers.get(HubAddresses.MESSAGE_ID).toString().isBlank()) {
            // sent from outside the hub without our id: give it one, or ops could neither retry nor discard it
            headers.put(HubAddresses.MESSAGE_ID, externalId(exchange));
        }
        headers.put(HubAddresses.FAILURE_REASON, reason);
        headers.put(HubAddresses.ORIGIN_QUEUE, originQueue(exchange, address));
        headers.put(HubAddresses.QUARANTINED_AT, Instant.now().toString());
        String quarantine = HubAddresses.quarantineQueue(address);
        producer.sendBodyAndHeaders("jms:queue:" + quarantine, payload(exchange), headers);
        log.warn("Quarantined message {} to {}: {}", headers.get(HubAddresses.MESSAGE_ID), quarantine, reason);
    }

    /** A stable id for a message that came without one: from its JMS message id when there is one. */
    static String externalId(Exchange exchange) {
        String jmsId = exchange.getMessage().getHeader("JMSMessageID", String.class);
        String base = jmsId == null || jmsId.isBlank() ? exchange.getExchangeId() : jmsId;
        return "ext-" + base.replaceFirst("^ID:", "").replaceAll("[^A-Za-z0-9_.:-]", "_");
    }

    /** The queue the route consumed, so that a retry reaches that subscriber only. */
    private static String originQueue(Exchange exchange, String address) {
        Endpoint from = exchange.getFromEndpoint();
        if (from instanceof JmsEndpoint jms && !jms.isPubSubDomain()) {
            String destination = jms.getDestinationName();
            return destination.contains("::") ? destination.substring(destination.indexOf("::") + 2) : destination;
        }
        String declared = exchange.getMessage().getHeader(HubAddresses.ORIGIN_QUEUE, String.class);
        return declared != null ? declared : address;
    }

    /**
     * The payload as it arrived, not as the route left it half-mapped: a retry puts it back on the origin
     * queue, whose consumer expects the original format.
     */
    private static Object payload(Exchange exchange) {
        if (exchange.getMessage() instanceof JmsMessage in) {
            try {
                if (in.getJmsMessage() instanceof TextMessage text) {
                    return text.getText();
                }
                if (in.getJmsMessage() instanceof BytesMessage bytes) {
                    return bytes.getBody(byte[].class);
                }
            } catch (JMSException e) {
                throw new IllegalStateException("Cannot read the received message to quarantine it", e);
            }
        }
        return exchange.getMessage().getBody();
    }
}
