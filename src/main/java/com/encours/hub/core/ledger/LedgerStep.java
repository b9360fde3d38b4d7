package com.encours.hub.core.ledger;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.Hashes;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.model.OpenItem;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
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
    private final ConnectionFactory connectionFactory;
    private final JmsTemplate changes;
    private final Destination ledgerChanges;

    public LedgerStep(Ledger ledger, CanonicalJson json, ConnectionFactory connectionFactory,
                      HubDestinations destinations) {
        this.ledgerChanges = destinations.topic(HubAddresses.LEDGER_CHANGES);
        this.ledger = ledger;
        this.json = json;
        this.connectionFactory = connectionFactory;
        this.changes = new JmsTemplate(connectionFactory);
        this.changes.setPubSubDomain(true);
        this.changes.setSessionTransacted(true);
    }

    /** Applies the records; leaves a null body (the change events are already sent). */
    public void apply(Exchange exchange) {
        Message message = exchange.getMessage();
        String type = message.getHeader(HubAddresses.RECORD_TYPE, String.class);
        String body = message.getBody(String.class);
        if ("DEBTOR".equals(type)) {
            ledger.applyDebtors(read(body, Debtor.class));
            message.setBody(null);
            return;
        }
        if (!"OPEN_ITEM".equals(type)) {
            throw new InvalidMessageException("unknown " + HubAddresses.RECORD_TYPE + " '" + type + "'");
        }
        boolean redelivered = Boolean.TRUE.equals(message.getHeader("JMSRedelivered", Boolean.class));
        List<LedgerChange> recorded = ledger.applyItems(read(body, OpenItem.class), redelivered);
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

    /** A batch (what the extract sends) or a single record (what a sender outside the hub may send). */
    private <T> List<T> read(String body, Class<T> type) {
        return body != null && body.stripLeading().startsWith("[") ? json.readBatch(body, type) : List.of(json.read(body, type));
    }
}
