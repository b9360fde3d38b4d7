package com.encours.hub.core.broker;

import jakarta.jms.Destination;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves queue and topic names to Artemis destinations once. The JMS default
 * ({@code session.createQueue/createTopic}) asks the broker whether the address exists on every call,
 * a blocking round trip per message sent; with the hub's addresses declared in broker.xml that answer
 * never changes. Used by the Camel JMS component ({@code camel.component.jms.destination-resolver}) and
 * by the ledger's change publisher.
 */
@Component("hubDestinationResolver")
public class HubDestinations implements DestinationResolver {

    private final Map<String, Destination> resolved = new ConcurrentHashMap<>();

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSubDomain) {
        return pubSubDomain ? topic(name) : queue(name);
    }

    public Destination topic(String name) {
        return resolved.computeIfAbsent("topic:" + name, key -> ActiveMQDestination.createTopic(name));
    }

    public Destination queue(String name) {
        return resolved.computeIfAbsent("queue:" + name, key -> ActiveMQDestination.createQueue(name));
    }
}
