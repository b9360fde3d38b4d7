package com.encours.hub.core.ledger;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.ConsumerTransaction;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.model.OpenItem;
import jakarta.jms.Destination;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger route's step: reads canonical records from erp.items — a JSON array of them (what the
 * extract sends) or a single one — applies them to the {@link Ledger} and publishes their change events
 * on the ledger.changes topic in the transaction that consumes the input: one message per ledger group,
 * a JSON array of the changes in the order they were recorded (header hubRecordCount). Batching the
 * changes as the records were batched spares the broker one commit per item on every hop downstream.
 */
@Component
public class LedgerStep {

    private final Ledger ledger;
    private final CanonicalJson json;
    private final ConsumerTransaction transaction;
    private final Destination ledgerChanges;
    private final int ledgerGroups;

    public LedgerStep(Ledger ledger, CanonicalJson json, ConsumerTransaction transaction, HubDestinations destinations,
                      @Value("${hub.flows.ledger-groups}") int ledgerGroups) {
        this.ledger = ledger;
        this.json = json;
        this.transaction = transaction;
        this.ledgerChanges = destinations.topic(HubAddresses.LEDGER_CHANGES);
        this.ledgerGroups = ledgerGroups;
    }

    /** Applies the records; leaves a null body (the change events are already sent). */
    public void apply(Exchange exchange) {
        Message message = exchange.getMessage();
        String type = message.getHeader(HubAddresses.RECORD_TYPE, String.class);
        String body = message.getBody(String.class);
        if ("DEBTOR".equals(type)) {
            ledger.applyDebtors(json.readOneOrBatch(body, Debtor.class));
            message.setBody(null);
            return;
        }
        if (!"OPEN_ITEM".equals(type)) {
            throw new InvalidMessageException("unknown " + HubAddresses.RECORD_TYPE + " '" + type + "'");
        }
        boolean redelivered = Boolean.TRUE.equals(message.getHeader("JMSRedelivered", Boolean.class));
        List<LedgerChange> recorded = ledger.applyItems(json.readOneOrBatch(body, OpenItem.class), redelivered);
        Map<String, List<LedgerChange>> byGroup = new LinkedHashMap<>();
        recorded.forEach(change -> byGroup.computeIfAbsent(HubMessages.ledgerGroup(change.debtorKey(), ledgerGroups),
                group -> new ArrayList<>()).add(change));
        byGroup.forEach(this::publish);
        message.setBody(null);
    }

    private void publish(String group, List<LedgerChange> changes) {
        transaction.send(ledgerChanges, json.write(changes), Map.of(HubAddresses.MESSAGE_ID, LedgerChange.messageId(changes),
                HubAddresses.RECORD_COUNT, changes.size(), "JMSXGroupID", group));
    }
}
