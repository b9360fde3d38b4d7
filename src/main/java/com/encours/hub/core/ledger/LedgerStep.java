package com.encours.hub.core.ledger;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.CanonicalJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.List;

/**
 * The ledger route's step: reads canonical records from erp.items — a JSON array of them (what the
 * extract sends) or a single one — applies them to the {@link Ledger} and publishes each change event on
 * the ledger.changes topic, one message per change, in the transaction that consumes the input.
 */
@Component
public class LedgerStep {

    private final Ledger ledger;
    private final CanonicalJson json;
    private final ObjectMapper mapper;
    private final ConnectionFactory connectionFactory;
    private final JmsTemplate changes;
    private final JavaType debtors;
    private final JavaType items;

    private final jakarta.jms.Destination ledgerChanges;

    public LedgerStep(Ledger ledger, CanonicalJson json, ObjectMapper mapper, ConnectionFactory connectionFactory,
                      HubDestinations destinations) {
        this.ledgerChanges = destinations.topic(HubAddresses.LEDGER_CHANGES);
        this.ledger = ledger;
        this.json = json;
        this.mapper = mapper;
        this.connectionFactory = connectionFactory;
        this.changes = new JmsTemplate(connectionFactory);
        this.changes.setPubSubDomain(true);
        this.changes.setSessionTransacted(true);
        this.debtors = mapper.getTypeFactory().constructCollectionType(List.class, Debtor.class);
        this.items = mapper.getTypeFactory().constructCollectionType(List.class, OpenItem.class);
    }

    /** Applies the records; leaves a null body (the change events are already sent). */
    public void apply(Exchange exchange) {
        Message message = exchange.getMessage();
        String type = message.getHeader(HubAddresses.RECORD_TYPE, String.class);
        String body = message.getBody(String.class);
        if ("DEBTOR".equals(type)) {
            ledger.applyDebtors(read(body, debtors, Debtor.class));
            message.setBody(null);
            return;
        }
        if (!"OPEN_ITEM".equals(type)) {
            throw new InvalidMessageException("unknown " + HubAddresses.RECORD_TYPE + " '" + type + "'");
        }
        boolean redelivered = Boolean.TRUE.equals(message.getHeader("JMSRedelivered", Boolean.class));
        List<LedgerChange> recorded = ledger.applyItems(read(body, items, OpenItem.class), redelivered);
        if (!recorded.isEmpty()) {
            publish(recorded);
        }
        message.setBody(null);
    }

    /**
     * One message per change on the ledger.changes topic, in the consumer's own JMS session (exposed to
     * this thread by the listener container), so the changes are sent if and only if the input is consumed.
     */
    private void publish(List<LedgerChange> recorded) {
        if (!TransactionSynchronizationManager.hasResource(connectionFactory)) {
            throw new IllegalStateException("ledger changes must be sent in the transaction that consumes erp.items "
                    + "(is camel.component.jms.expose-listener-session true?)");
        }
        for (LedgerChange change : recorded) {
            String body = json.write(change);
            String messageId = "chg-" + Hashes.shortSha256(change.itemKey() + ":" + change.revision());
            changes.send(ledgerChanges, session -> {
                TextMessage out = session.createTextMessage(body);
                out.setStringProperty(HubAddresses.MESSAGE_ID, messageId);
                out.setStringProperty("JMSXGroupID", change.debtorKey());
                return out;
            });
        }
    }

    private <T> List<T> read(String body, JavaType listType, Class<T> type) {
        if (body == null) {
            throw new InvalidMessageException("empty " + type.getSimpleName() + " message");
        }
        String trimmed = body.stripLeading();
        if (!trimmed.startsWith("[")) {
            return List.of(json.read(body, type));
        }
        try {
            List<T> records = mapper.readValue(trimmed, listType);
            if (records.stream().anyMatch(java.util.Objects::isNull)) {
                throw new InvalidMessageException("a batch of " + type.getSimpleName() + " holds a null record");
            }
            return records;
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not a batch of canonical " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }
}
