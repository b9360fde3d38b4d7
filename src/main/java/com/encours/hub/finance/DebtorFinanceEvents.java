package com.encours.hub.finance;

import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.FigureSettings;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The finance events of one debtor for one refresh ({@link DebtorRefreshes}): decided by {@link FinanceEventRules}
 * against what was last published, recorded (events first, then the new published state and when it was
 * decided), and returned for the caller to publish in its broker transaction.
 * <p>
 * A refresh asked for before the debtor's events were last decided finds nothing to decide: that decision saw
 * everything the refresh was about (the refreshes of one sync coalesce so). If the broker transaction rolls
 * back after the database has the events, the redelivered refresh is in that case too, and gets the events
 * recorded for it back, so none is lost; their ids are the same, so a finance system that got them already
 * recognises them.
 */
@Component
public class DebtorFinanceEvents {

    private final DebtorFigures debtorFigures;
    private final FinanceEventStore store;
    private final CanonicalJson json;
    private final Clock clock;
    private final FinanceEventRules rules;

    public DebtorFinanceEvents(DebtorFigures debtorFigures, FinanceEventStore store, CanonicalJson json, Clock clock,
                               @Value("${hub.finance.events.score-drop-points:10}") int scoreDropPoints) {
        this.debtorFigures = debtorFigures;
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.rules = new FinanceEventRules(scoreDropPoints);
    }

    /**
     * @param assessment the debtor's current assessment, null if it has none
     * @param causeId    the refresh's id: the same on redelivery
     * @param changedAt  when the refresh was asked for: what changed before is in the ledger and the assessment
     */
    public List<FinanceEventStore.StoredEvent> eventsOf(Debtor debtor, CreditAssessment assessment, String causeId,
                                                        Instant changedAt) {
        Instant decidedAt = clock.instant();
        boolean seenAlready = store.decidedAt(debtor.debtorKey()).filter(last -> !last.isBefore(changedAt)).isPresent();
        if (!seenAlready) {
            FigureSettings settings = FigureSettings.standard(LocalDate.ofInstant(decidedAt, clock.getZone()));
            List<CurrencyFigures> figures = debtorFigures.sumsOf(debtor, settings).figures();
            FinanceEventRules.Outcome outcome = rules.decide(FinanceEvent.DebtorRef.of(debtor), assessment,
                    settings.asOf(), figures, DebtorFigures.limitsOf(debtor, assessment),
                    store.published(debtor.debtorKey()), causeId, changedAt);
            for (FinanceEvent event : outcome.events()) {
                store.insertIfAbsent(new FinanceEventStore.StoredEvent(event.eventId(), event.eventType(),
                        debtor.hubId(), event.occurredAt(), json.write(event)), debtor.debtorKey(), causeId);
            }
            store.savePublished(debtor.debtorKey(), outcome.published(), decidedAt);
        }
        return store.causedBy(causeId, debtor.debtorKey());
    }
}
