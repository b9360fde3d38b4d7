package com.encours.hub.bureau;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.Hashes;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.ConsumerTransaction;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.broker.HubDestinations;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.exposure.DebtorExposure;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.EnrichedOpenItem;
import com.encours.hub.core.model.Exposure;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.finance.DebtorRefreshes;
import com.encours.hub.identity.vies.DebtorVatChecks;
import jakarta.jms.Destination;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The enrich route's step: each ledger change becomes the event finance systems receive — the item, its
 * debtor (with what VIES says of its VAT number), the debtor's assessment and its exposure per currency —
 * published in the transaction that consumes the changes: on the finance.out topic one message per event (for
 * subscribers), and on finance.webhooks one message per webhook group holding its events in order (for the
 * webhook delivery).
 * A message of changes (one ledger batch) is worked debtor by debtor: debtor, assessment and exposure are
 * read once per debtor, not once per item.
 *
 * <p>The debtors enriched are then refreshed ({@link DebtorRefreshes}, in the same transaction): their debtor
 * events come from {@link DebtorEventPublisher} once the sync has settled, after their item events.
 *
 * <p>A debtor that cannot be enriched now (its bureau fails, or refuses it) must not hold back the other
 * debtors of the batch: its changes are put back on this flow's queue as a message of their own, which
 * the broker then retries, dead-letters or quarantines alone. A message with one debtor only fails as is.
 */
@Component
public class Enrichment {

    private static final Logger log = LoggerFactory.getLogger(Enrichment.class);
    static final String ENRICH_QUEUE = HubAddresses.fqqn(HubAddresses.LEDGER_CHANGES, "ledger.changes.enrich");

    private final LedgerRepository ledger;
    private final DebtorAssessments assessments;
    private final CanonicalJson json;
    private final DebtorExposure exposure;
    private final DebtorRefreshes refreshes;
    private final DebtorVatChecks vatChecks;
    private final ConsumerTransaction transaction;
    private final Destination financeOut;
    private final Destination financeWebhooks;
    private final Destination enrichQueue;
    private final int ledgerGroups;
    private final int webhookGroups;

    public Enrichment(LedgerRepository ledger, DebtorAssessments assessments, CanonicalJson json,
                      DebtorExposure exposure, DebtorRefreshes refreshes, DebtorVatChecks vatChecks,
                      ConsumerTransaction transaction, HubDestinations destinations,
                      @Value("${hub.flows.ledger-groups}") int ledgerGroups,
                      @Value("${hub.flows.webhook-groups}") int webhookGroups) {
        this.ledger = ledger;
        this.assessments = assessments;
        this.json = json;
        this.exposure = exposure;
        this.refreshes = refreshes;
        this.vatChecks = vatChecks;
        this.transaction = transaction;
        this.financeOut = destinations.topic(HubAddresses.FINANCE_OUT);
        this.financeWebhooks = destinations.queue(HubAddresses.FINANCE_WEBHOOKS);
        // a queue of a multicast address is reached as a topic, even by its fully qualified name
        this.enrichQueue = destinations.topic(ENRICH_QUEUE);
        this.ledgerGroups = ledgerGroups;
        this.webhookGroups = webhookGroups;
    }

    /** Publishes the events; leaves a null body. */
    public void enrich(Exchange exchange) {
        Message message = exchange.getMessage();
        List<LedgerChange> changes = json.readOneOrBatch(message.getBody(String.class), LedgerChange.class);
        Map<String, List<LedgerChange>> byDebtor = changes.stream().collect(
                Collectors.groupingBy(LedgerChange::debtorKey, LinkedHashMap::new, Collectors.toList()));
        Map<String, List<EnrichedOpenItem>> forWebhooks = new LinkedHashMap<>();
        List<String> enriched = new ArrayList<>();
        for (Map.Entry<String, List<LedgerChange>> debtor : byDebtor.entrySet()) {
            List<EnrichedOpenItem> events;
            try {
                events = enrich(debtor.getKey(), debtor.getValue());
            } catch (PartnerException | InvalidMessageException e) {
                if (byDebtor.size() == 1) {
                    throw e;
                }
                setAside(debtor.getKey(), debtor.getValue(), e);
                continue;
            }
            for (EnrichedOpenItem event : events) {
                transaction.send(financeOut, json.write(event),
                        Map.of(HubAddresses.MESSAGE_ID, event.eventId(), "JMSXGroupID", debtor.getKey()));
            }
            forWebhooks.computeIfAbsent(HubMessages.webhookGroup(debtor.getKey(), webhookGroups),
                    group -> new ArrayList<>()).addAll(events);
            enriched.add(debtor.getKey());
        }
        forWebhooks.forEach((group, events) -> transaction.send(financeWebhooks, json.write(events), Map.of(
                HubAddresses.MESSAGE_ID, EnrichedOpenItem.messageId(events), HubAddresses.RECORD_COUNT, events.size(),
                "JMSXGroupID", group)));
        if (!enriched.isEmpty()) {
            refreshes.requestWithInput(enriched, LedgerChange.messageId(changes));
        }
        message.setBody(null);
    }

    /** One event per item change, with the debtor, its assessment and its exposure read once. */
    private List<EnrichedOpenItem> enrich(String debtorKey, List<LedgerChange> changes) {
        Debtor debtor = ledger.findDebtorByKey(debtorKey)
                .map(stored -> json.read(stored.payload(), Debtor.class))
                .orElseThrow(() -> new InvalidMessageException("ledger has no debtor " + debtorKey));
        CreditAssessment assessment = assessOrExplain(debtor);
        List<Exposure> exposures = exposure.of(debtor);
        EnrichedOpenItem.DebtorSummary summary = new EnrichedOpenItem.DebtorSummary(debtor.hubId(), debtor.debtorRef(),
                debtor.name(), debtor.country(), debtor.identifiers(), vatChecks.of(debtor).orElse(null));
        List<EnrichedOpenItem> events = new ArrayList<>(changes.size());
        for (LedgerChange change : changes) {
            String eventKey = change.itemKey() + ":" + change.revision();
            events.add(new EnrichedOpenItem("evt-" + Hashes.shortSha256(eventKey), EnrichedOpenItem.EVENT_TYPE, 1,
                    change.recordedAt(), change.revision(), change.changes(), change.item(), summary, assessment,
                    exposures));
        }
        return events;
    }

    /** The debtor's changes go back on this flow's queue alone, in this transaction, to be retried on their own. */
    private void setAside(String debtorKey, List<LedgerChange> changes, RuntimeException failure) {
        log.warn("{}: {} change(s) set aside to be retried alone: {}", debtorKey, changes.size(), failure.getMessage());
        transaction.send(enrichQueue, json.write(changes), Map.of(HubAddresses.MESSAGE_ID, LedgerChange.messageId(changes),
                HubAddresses.RECORD_COUNT, changes.size(), "JMSXGroupID", HubMessages.ledgerGroup(debtorKey, ledgerGroups)));
    }

    /** A bureau that refuses the request for good (bad credentials, bad request) will not change its mind on redelivery. */
    private CreditAssessment assessOrExplain(Debtor debtor) {
        try {
            return assessments.current(debtor).orElse(null);
        } catch (PartnerException e) {
            if (e.isTransient()) {
                throw e;
            }
            throw new InvalidMessageException("bureau refused the assessment of " + debtor.debtorKey() + ": "
                    + e.getMessage(), e);
        }
    }
}
