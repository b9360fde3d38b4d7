package com.encours.hub.bureau;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.broker.HubMessages;
import com.encours.hub.core.exposure.DebtorExposure;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.EnrichedOpenItem;
import com.encours.hub.core.model.LedgerChange;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.CanonicalJson;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;


/**
 * The enrich route's step: a ledger change becomes the event finance systems receive — the item, its
 * debtor, the debtor's assessment and its exposure per currency.
 */
@Component
public class Enrichment {

    private final LedgerRepository ledger;
    private final DebtorAssessments assessments;
    private final CanonicalJson json;
    private final DebtorExposure exposure;

    public Enrichment(LedgerRepository ledger, DebtorAssessments assessments, CanonicalJson json,
                      DebtorExposure exposure) {
        this.ledger = ledger;
        this.assessments = assessments;
        this.json = json;
        this.exposure = exposure;
    }

    public void enrich(Exchange exchange) {
        Message message = exchange.getMessage();
        LedgerChange change = json.read(message.getBody(String.class), LedgerChange.class);
        Debtor debtor = ledger.findDebtorByKey(change.debtorKey())
                .map(stored -> json.read(stored.payload(), Debtor.class))
                .orElseThrow(() -> new InvalidMessageException("ledger has no debtor " + change.debtorKey()));
        var assessment = assessOrExplain(debtor);
        String eventKey = change.itemKey() + ":" + change.revision();
        EnrichedOpenItem event = new EnrichedOpenItem("evt-" + Hashes.shortSha256(eventKey),
                EnrichedOpenItem.EVENT_TYPE, 1, change.recordedAt(), change.revision(), change.changes(), change.item(),
                new EnrichedOpenItem.DebtorSummary(debtor.hubId(), debtor.debtorRef(), debtor.name(), debtor.country(),
                        debtor.identifiers()),
                assessment, exposure.of(debtor));
        HubMessages.prepareNextHop(message, event.eventId(), change.debtorKey());
        message.setBody(json.write(event));
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
