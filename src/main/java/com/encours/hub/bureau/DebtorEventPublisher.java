package com.encours.hub.bureau;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.ConsumerTransaction;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.erp.ErpWriteBacks;
import com.encours.hub.finance.DebtorFinanceEvents;
import com.encours.hub.finance.DebtorRefreshes;
import com.encours.hub.finance.FinanceEventStore;
import jakarta.jms.Destination;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The enrich flow's second step: for each debtor of a refresh ({@link DebtorRefreshes}), its debtor events
 * (debtor.assessed, score.dropped, exposure.changed, limit.breached; see {@link DebtorFinanceEvents}) from the
 * ledger and the assessment the hub holds (no bureau is called here: enrichment and monitoring did), published
 * in the transaction that consumes the refresh: each on the topic of its type, and on finance.webhooks one
 * message per event in the debtor's webhook group, and, where the debtor's ERP takes it, the write-back the
 * event calls for on erp.write-back ({@link ErpWriteBacks}). A debtor's item events were sent before its
 * refresh was asked for, so a webhook gets them first.
 */
@Component
public class DebtorEventPublisher {

    private final LedgerRepository ledger;
    private final DebtorAssessments assessments;
    private final DebtorFinanceEvents debtorEvents;
    private final CanonicalJson json;
    private final ConsumerTransaction transaction;
    private final HubDestinations destinations;
    private final Destination financeWebhooks;
    private final Destination erpWriteBack;
    private final ErpWriteBacks writeBacks;
    private final int webhookGroups;

    public DebtorEventPublisher(LedgerRepository ledger, DebtorAssessments assessments, DebtorFinanceEvents debtorEvents,
                                ErpWriteBacks writeBacks, CanonicalJson json, ConsumerTransaction transaction,
                                HubDestinations destinations, @Value("${hub.flows.webhook-groups}") int webhookGroups) {
        this.ledger = ledger;
        this.assessments = assessments;
        this.debtorEvents = debtorEvents;
        this.json = json;
        this.transaction = transaction;
        this.destinations = destinations;
        this.financeWebhooks = destinations.queue(HubAddresses.FINANCE_WEBHOOKS);
        this.erpWriteBack = destinations.queue(HubAddresses.ERP_WRITE_BACK);
        this.writeBacks = writeBacks;
        this.webhookGroups = webhookGroups;
    }

    /** Publishes the events; leaves a null body. */
    public void publish(Exchange exchange) {
        Message message = exchange.getMessage();
        String causeId = message.getHeader(HubAddresses.MESSAGE_ID, String.class);
        if (causeId == null || causeId.isBlank()) {
            throw new InvalidMessageException("debtor refresh without " + HubAddresses.MESSAGE_ID);
        }
        // a debtor named twice is worked out once, for the later of its changes
        Map<String, Instant> changedAt = new LinkedHashMap<>();
        for (DebtorRefreshes.Refresh refresh : json.readOneOrBatch(message.getBody(String.class), DebtorRefreshes.Refresh.class)) {
            if (refresh.debtorKey() == null || refresh.changedAt() == null) {
                throw new InvalidMessageException("debtor refresh without debtorKey or changedAt: " + refresh);
            }
            changedAt.merge(refresh.debtorKey(), refresh.changedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
        changedAt.forEach((debtorKey, at) -> publish(debtorKey, causeId, at));
        message.setBody(null);
    }

    private void publish(String debtorKey, String causeId, Instant changedAt) {
        Debtor debtor = ledger.findDebtorByKey(debtorKey)
                .map(stored -> json.read(stored.payload(), Debtor.class))
                .orElseThrow(() -> new InvalidMessageException("ledger has no debtor " + debtorKey));
        String group = HubMessages.webhookGroup(debtorKey, webhookGroups);
        CreditAssessment assessment = assessments.known(debtor).orElse(null);
        for (FinanceEventStore.StoredEvent event : debtorEvents.eventsOf(debtor, assessment, causeId, changedAt)) {
            transaction.send(destinations.topic(HubAddresses.financeTopic(event.eventType())), event.payload(),
                    Map.of(HubAddresses.MESSAGE_ID, event.eventId(), "JMSXGroupID", debtorKey));
            transaction.send(financeWebhooks, event.payload(), Map.of(HubAddresses.MESSAGE_ID, event.eventId(),
                    HubAddresses.EVENT_TYPE, event.eventType(), "JMSXGroupID", group));
            writeBacks.decide(debtor, assessment, event.eventId(), event.eventType()).ifPresent(writeBack ->
                    transaction.send(erpWriteBack, json.write(writeBack), Map.of(HubAddresses.MESSAGE_ID, writeBack.id(),
                            "JMSXGroupID", debtorKey)));
        }
    }
}
