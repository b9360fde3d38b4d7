package com.encours.hub.core.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Map;

/**
 * Sends messages in the JMS session of the message a route is consuming (the listener container exposes
 * it to the thread), so that they are sent if and only if the input is consumed: one broker commit for
 * the input and everything it produced. Steps that emit several messages per input use it instead of a
 * route's {@code to}.
 */
@Component
public class ConsumerTransaction {

    private final ConnectionFactory connectionFactory;
    private final JmsTemplate template;

    public ConsumerTransaction(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
        this.template = new JmsTemplate(connectionFactory);
        this.template.setSessionTransacted(true);
    }

    /** @param properties JMS properties of the message, e.g. {@link HubAddresses#MESSAGE_ID} and JMSXGroupID */
    public void send(Destination destination, String body, Map<String, ?> properties) {
        if (!TransactionSynchronizationManager.hasResource(connectionFactory)) {
            throw new IllegalStateException("messages must be sent in the transaction that consumes the input "
                    + "(is camel.component.jms.expose-listener-session true?)");
        }
        template.send(destination, session -> textMessage(session, body, properties));
    }

    /** A text message with these JMS properties, as the hub sends its messages in or outside an input's transaction. */
    public static TextMessage textMessage(Session session, String body, Map<String, ?> properties) throws JMSException {
        TextMessage out = session.createTextMessage(body);
        for (Map.Entry<String, ?> property : properties.entrySet()) {
            out.setObjectProperty(property.getKey(), property.getValue());
        }
        return out;
    }
}
