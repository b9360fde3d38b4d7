package com.encours.hub.ops;

import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.ops.FailedMessage.Kind;
import com.encours.hub.ops.MessageFailures.MessageFailure;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.support.JmsUtils;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dead-letter queues and quarantines of the flow addresses, seen through JMS so that it works the same
 * with the embedded and a standalone broker: browse them, put a message back on the queue it failed on, or
 * discard it. Every retry and discard is audited.
 */
@Service
public class FailedMessages {

    static final int PREVIEW_CHARS = 500;

    static final String ORIG_ADDRESS = "_AMQ_ORIG_ADDRESS";
    static final String ORIG_QUEUE = "_AMQ_ORIG_QUEUE";

    private static final Logger log = LoggerFactory.getLogger(FailedMessages.class);
    private static final long RECEIVE_TIMEOUT_MS = 5_000;
    /** Set by the quarantine; a retried message is no longer quarantined. */
    private static final Set<String> QUARANTINE_MARKERS = Set.of(HubAddresses.FAILURE_REASON,
            HubAddresses.ORIGIN_QUEUE, HubAddresses.QUARANTINED_AT);

    private final ConnectionFactory connectionFactory;
    private final MessageFailures failures;
    private final AuditLog audit;

    public FailedMessages(ConnectionFactory connectionFactory, MessageFailures failures, AuditLog audit) {
        // Short-lived connections of our own: a session cache would keep each selector consumer open, and
        // with it messages prefetched out of the dead-letter queues.
        this.connectionFactory = withClientWindow(connectionFactory instanceof CachingConnectionFactory caching
                && caching.getTargetConnectionFactory() != null
                ? caching.getTargetConnectionFactory() : connectionFactory);
        this.failures = failures;
        this.audit = audit;
    }

    /**
     * The flows' consumers take no client-side buffer (consumerWindowSize 0, see HubInfrastructure); a queue
     * browser on such a factory can end its enumeration before the last message (a listing missed one
     * quarantined message now and then), so ops read through a copy with Artemis' default window.
     */
    private static ConnectionFactory withClientWindow(ConnectionFactory factory) {
        if (!(factory instanceof ActiveMQConnectionFactory artemis) || artemis.getConsumerWindowSize() != 0) {
            return factory;
        }
        try {
            ActiveMQConnectionFactory copy = new ActiveMQConnectionFactory(artemis.toURI().toString(),
                    artemis.getUser(), artemis.getPassword());
            copy.setConsumerWindowSize(ActiveMQClient.DEFAULT_CONSUMER_WINDOW_SIZE);
            return copy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the broker connection settings", e);
        }
    }

    /** Which dead-letter queues and quarantines to look into; a null field means all of them. */
    public record Filter(String address, Kind kind) {

        public static final Filter ALL = new Filter(null, null);

        public Filter {
            if (address != null && !HubAddresses.FLOW_ADDRESSES.contains(address)) {
                throw new IllegalArgumentException("address must be one of " + HubAddresses.FLOW_ADDRESSES
                        + ", was '" + address + "'");
            }
        }

        List<Location> locations() {
            List<Location> locations = new ArrayList<>();
            for (String flow : address == null ? HubAddresses.FLOW_ADDRESSES : List.of(address)) {
                for (Kind each : kind == null ? List.of(Kind.values()) : List.of(kind)) {
                    locations.add(new Location(flow, each));
                }
            }
            return locations;
        }
    }

    /** What was done to a message: {@code to} is the queue it was put back on, null for a discard. */
    public record Outcome(String id, String action, String from, String to) {
    }

    public Page<FailedMessage> list(Filter filter, int page, int size) {
        long first = (long) page * size;
        List<Browsed> window = new ArrayList<>();
        long total = inSession(false, session -> {
            long count = 0;
            for (Location location : filter.locations()) {
                QueueBrowser browser = session.createBrowser(session.createQueue(location.queue()));
                Enumeration<?> messages = browser.getEnumeration();
                while (messages.hasMoreElements()) {
                    Message message = (Message) messages.nextElement();
                    if (count >= first && window.size() < size) {
                        window.add(Browsed.of(location, message, true));
                    }
                    count++;
                }
                browser.close();
            }
            return count;
        });
        Map<String, MessageFailure> known = failures.find(window.stream().map(Browsed::id)
                .filter(Objects::nonNull).toList());
        return new Page<>(window.stream().map(b -> b.toFailedMessage(known.get(b.id()), false)).toList(),
                page, size, total);
    }

    public Optional<FailedMessage> find(String id) {
        return inSession(false, session -> locate(session, id, true))
                .map(found -> found.toFailedMessage(failures.find(id).orElse(null), true));
    }

    /** Puts the message back on the queue it failed on, and only that queue; empty when there is no such message. */
    public Optional<Outcome> retry(String id, String actor) {
        return inSession(false, session -> locate(session, id, false))
                .flatMap(found -> retry(found.location(), id, actor));
    }

    /** Retries every message of the filter whose failure reason contains {@code reasonContains} (any if null). */
    public int retryAll(Filter filter, String reasonContains, String actor) {
        List<Browsed> candidates = inSession(false, session -> {
            List<Browsed> all = new ArrayList<>();
            for (Location location : filter.locations()) {
                QueueBrowser browser = session.createBrowser(session.createQueue(location.queue()));
                for (Object message : Collections.list(browser.getEnumeration())) {
                    all.add(Browsed.of(location, (Message) message, false));
                }
                browser.close();
            }
            return all;
        });
        Map<String, MessageFailure> known = failures.find(candidates.stream().map(Browsed::id)
                .filter(Objects::nonNull).toList());
        String needle = reasonContains == null ? null : reasonContains.toLowerCase(Locale.ROOT);
        int retried = 0;
        for (Browsed candidate : candidates) {
            String reason = candidate.reason(known.get(candidate.id()));
            if (candidate.id() == null
                    || needle != null && (reason == null || !reason.toLowerCase(Locale.ROOT).contains(needle))) {
                continue;
            }
            try {
                if (retry(candidate.location(), candidate.id(), actor).isPresent()) {
                    retried++;
                }
            } catch (NotRetryableException e) {
                log.warn("Bulk retry skipped a message: {}", e.getMessage());
            }
        }
        return retried;
    }

    /** Removes the message for good; empty when there is no such message. */
    public Optional<Outcome> discard(String id, String reason, String actor) {
        Optional<Outcome> discarded = inSession(false, session -> locate(session, id, false)).flatMap(found ->
                inSession(true, session -> {
                    if (receive(session, found.location(), id) == null) {
                        return Optional.<Outcome>empty();
                    }
                    session.commit();
                    return Optional.of(new Outcome(id, AuditLog.DISCARD, found.location().queue(), null));
                }));
        discarded.ifPresent(outcome -> {
            failures.delete(id);
            audit.record(actor, AuditLog.DISCARD, id, outcome.from() + ": " + reason);
        });
        return discarded;
    }

    /**
     * Receive and resend in one transacted session: the message is either back on its queue or still where
     * it was. The fully qualified queue name reaches only the subscriber that failed, not every queue of a
     * multicast address.
     */
    private Optional<Outcome> retry(Location location, String id, String actor) {
        Optional<Outcome> retried = inSession(true, session -> {
            Message message = receive(session, location, id);
            if (message == null) {
                return Optional.<Outcome>empty();
            }
            Origin origin = origin(location, message);
            MessageProducer producer = session.createProducer(origin.destination(session));
            producer.send(copy(session, message), message.getJMSDeliveryMode(), message.getJMSPriority(), 0);
            session.commit();
            return Optional.of(new Outcome(id, AuditLog.RETRY, location.queue(), origin.fqqn()));
        });
        retried.ifPresent(outcome -> audit.record(actor, AuditLog.RETRY, id, outcome.from() + " -> " + outcome.to()));
        return retried;
    }

    private static Message receive(Session session, Location location, String id) throws JMSException {
        MessageConsumer consumer = session.createConsumer(session.createQueue(location.queue()), selector(id));
        Message message = consumer.receive(RECEIVE_TIMEOUT_MS);
        consumer.close();
        return message;
    }

    private static Origin origin(Location location, Message message) throws JMSException {
        if (location.kind() == Kind.DLQ) {
            String address = message.getStringProperty(ORIG_ADDRESS);
            String queue = message.getStringProperty(ORIG_QUEUE);
            if (address == null || queue == null) {
                throw new NotRetryableException("Message " + message.getStringProperty(HubAddresses.MESSAGE_ID)
                        + " in " + location.queue() + " has no " + ORIG_ADDRESS + "/" + ORIG_QUEUE);
            }
            // a message first sent by fully qualified name (address::queue) keeps that name as its address
            return new Origin(address.split("::", 2)[0], queue);
        }
        String queue = message.getStringProperty(HubAddresses.ORIGIN_QUEUE);
        if (queue == null) {
            throw new NotRetryableException("Message " + message.getStringProperty(HubAddresses.MESSAGE_ID)
                    + " in " + location.queue() + " has no " + HubAddresses.ORIGIN_QUEUE);
        }
        return new Origin(location.address(), queue);
    }

    /**
     * A fresh message with the same body and application properties, without the broker's own properties:
     * an old _AMQ_DUPL_ID would make the broker drop the resend as a duplicate.
     */
    private static Message copy(Session session, Message message) throws JMSException {
        Message copy;
        if (message instanceof TextMessage text) {
            copy = session.createTextMessage(text.getText());
        } else if (message instanceof BytesMessage bytes) {
            BytesMessage bytesCopy = session.createBytesMessage();
            bytesCopy.writeBytes(bytes.getBody(byte[].class));
            copy = bytesCopy;
        } else {
            throw new NotRetryableException("Only text and bytes messages can be retried, not "
                    + message.getClass().getSimpleName());
        }
        for (Object name : Collections.list(message.getPropertyNames())) {
            String property = (String) name;
            if (!property.startsWith("_AMQ_") && !property.startsWith("__AMQ_") && !property.startsWith("JMSX")
                    && !QUARANTINE_MARKERS.contains(property)) {
                copy.setObjectProperty(property, message.getObjectProperty(property));
            }
        }
        String group = message.getStringProperty(Quarantine.GROUP_ID);
        if (group != null) {
            copy.setStringProperty(Quarantine.GROUP_ID, group);
        }
        copy.setJMSCorrelationID(message.getJMSCorrelationID());
        copy.setJMSType(message.getJMSType());
        return copy;
    }

    private Optional<Browsed> locate(Session session, String id, boolean withBody) throws JMSException {
        for (Location location : Filter.ALL.locations()) {
            QueueBrowser browser = session.createBrowser(session.createQueue(location.queue()), selector(id));
            try {
                Enumeration<?> messages = browser.getEnumeration();
                if (messages.hasMoreElements()) {
                    return Optional.of(Browsed.of(location, (Message) messages.nextElement(), withBody));
                }
            } finally {
                browser.close();
            }
        }
        return Optional.empty();
    }

    private static String selector(String id) {
        return HubAddresses.MESSAGE_ID + " = '" + id.replace("'", "''") + "'";
    }

    private <T> T inSession(boolean transacted, SessionWork<T> work) {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(transacted,
                     transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            // Closing a transacted session without a commit rolls it back.
            return work.run(session);
        } catch (JMSException e) {
            throw JmsUtils.convertJmsAccessException(e);
        }
    }

    @FunctionalInterface
    private interface SessionWork<T> {
        T run(Session session) throws JMSException;
    }

    /** The queue a failed message was consumed from. */
    private record Origin(String address, String queue) {

        String fqqn() {
            return HubAddresses.fqqn(address, queue);
        }

        /** Even by its fully qualified name, a queue of a multicast address is reached as a topic. */
        Destination destination(Session session) throws JMSException {
            if (session instanceof ActiveMQSession artemis) {
                try {
                    ClientSession.QueueQuery query = artemis.getCoreSession().queueQuery(SimpleString.of(queue));
                    if (!query.isExists()) {
                        throw new NotRetryableException("The queue " + queue + " no longer exists");
                    }
                    if (query.getRoutingType() == RoutingType.MULTICAST) {
                        return session.createTopic(fqqn());
                    }
                } catch (ActiveMQException e) {
                    JMSException failure = new JMSException("Cannot look up the queue " + queue + ": "
                            + e.getMessage());
                    failure.setLinkedException(e);
                    throw failure;
                }
            }
            return session.createQueue(fqqn());
        }
    }

    record Location(String address, Kind kind) {

        String queue() {
            return kind.queue(address);
        }
    }

    /** What a browse saw of one message, read before its session closes. */
    private record Browsed(Location location, String id, Map<String, Object> hubHeaders, String originQueue,
                           String body) {

        static Browsed of(Location location, Message message, boolean withBody) throws JMSException {
            Map<String, Object> hubHeaders = new TreeMap<>();
            for (Object name : Collections.list(message.getPropertyNames())) {
                if (((String) name).startsWith("hub")) {
                    hubHeaders.put((String) name, message.getObjectProperty((String) name));
                }
            }
            String origin = location.kind() == Kind.DLQ ? message.getStringProperty(ORIG_QUEUE)
                    : message.getStringProperty(HubAddresses.ORIGIN_QUEUE);
            return new Browsed(location, message.getStringProperty(HubAddresses.MESSAGE_ID), hubHeaders, origin,
                    withBody ? body(message) : null);
        }

        private static String body(Message message) throws JMSException {
            if (message instanceof TextMessage text) {
                return text.getText();
            }
            if (message instanceof BytesMessage bytes) {
                return new String(bytes.getBody(byte[].class), StandardCharsets.UTF_8);
            }
            return "<" + message.getClass().getSimpleName() + ">";
        }

        String reason(MessageFailure failure) {
            if (location.kind() == Kind.QUARANTINE) {
                return (String) hubHeaders.get(HubAddresses.FAILURE_REASON);
            }
            return failure == null ? null : failure.reason();
        }

        FailedMessage toFailedMessage(MessageFailure failure, boolean wholeBody) {
            Instant quarantinedAt = location.kind() == Kind.QUARANTINE ? quarantinedAt() : null;
            return new FailedMessage(id, location.kind(), location.address(), location.queue(), originQueue,
                    reason(failure), failure == null ? null : failure.attempts(),
                    failure != null ? failure.firstFailureAt() : quarantinedAt,
                    failure != null ? failure.lastFailureAt() : quarantinedAt,
                    hubHeaders, wholeBody || body == null ? null : preview(body), wholeBody ? body : null);
        }

        private Instant quarantinedAt() {
            Object at = hubHeaders.get(HubAddresses.QUARANTINED_AT);
            try {
                return at == null ? null : Instant.parse(at.toString());
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        private static String preview(String body) {
            return body.length() <= PREVIEW_CHARS ? body : body.substring(0, PREVIEW_CHARS);
        }
    }
}
