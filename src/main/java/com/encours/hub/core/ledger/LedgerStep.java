package com.encours.hub.core.ledger;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.Hashes;
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
 * Debtors whose master record changed are told to {@link DebtorChanges}, in the same transaction.
 */
@Component
public class LedgerStep {

    private final Ledger ledger;
    private final CanonicalJson json;
    private final ConsumerTransaction transaction;
    private final Destination ledgerChanges;
    private final int ledgerGroups;
    private final DebtorChanges debtorChanges;

    public LedgerStep(Ledger ledger, CanonicalJson json, ConsumerTransaction transaction, HubDestinations destinations,
                      @Value("${hub.flows.ledger-groups}") int ledgerGroups, DebtorChanges debtorChanges) {
        this.ledger = ledger;
        this.debtorChanges = debtorChanges;
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
            List<Debtor> debtors = json.readOneOrBatch(body, Debtor.class);
            List<String> changed = ledger.applyDebtors(debtors);
            // redelivered: the first attempt may have recorded the changes and lost its messages
            List<String> toTell = redelivered(message) ? debtors.stream().map(Debtor::debtorKey).toList() : changed;
            if (!toTell.isEmpty()) {
                debtorChanges.changed(toTell, "debtors-" + Hashes.shortSha256(body));
            }
            message.setBody(null);
            return;
        }
        if (!"OPEN_ITEM".equals(type)) {
            throw new InvalidMessageException("unknown " + HubAddresses.RECORD_TYPE + " '" + type + "'");
        }
        List<LedgerChange> recorded = ledger.applyItems(json.readOneOrBatch(body, OpenItem.class), redelivered(message));
        Map<String, List<LedgerChange>> byGroup = new LinkedHashMap<>();
        recorded.forEach(change -> byGroup.computeIfAbsent(HubMessages.ledgerGroup(change.debtorKey(), ledgerGroups),
                group -> new ArrayList<>()).add(change));
        byGroup.forEach(this::publish);
        message.setBody(null);
    }

    private static boolean redelivered(Message message) {
        return Boolean.TRUE.equals(message.getHeader("JMSRedelivered", Boolean.class));
    }

    private void publish(String group, List<LedgerChange> changes) {
        transaction.send(ledgerChanges, json.write(changes), Map.of(HubAddresses.MESSAGE_ID, LedgerChange.messageId(changes),
                HubAddresses.RECORD_COUNT, changes.size(), "JMSXGroupID", group));
    }
}
