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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The finance events of one debtor for one enrich input: decided by {@link FinanceEventRules} against what was
 * last published, recorded (events first, then the new published state), and returned for the enrich step to
 * publish in its broker transaction. If that transaction rolls back after the database has the events, the
 * redelivered input finds nothing new but gets the events recorded for it back, so none is lost; their ids
 * are the same, so a finance system that got them already recognises them.
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
     * @param causeId    the input's id for this debtor: the same on redelivery
     * @param occurredAt when the changes behind the events were recorded
     */
    public List<FinanceEventStore.StoredEvent> eventsOf(Debtor debtor, CreditAssessment assessment, String causeId,
                                                        Instant occurredAt) {
        FigureSettings settings = FigureSettings.standard(LocalDate.now(clock));
        List<CurrencyFigures> figures = debtorFigures.sumsOf(debtor, settings).figures();
        FinanceEventRules.Outcome outcome = rules.decide(FinanceEvent.DebtorRef.of(debtor), assessment,
                settings.asOf(), figures, DebtorFigures.limitsOf(debtor, assessment), store.published(debtor.debtorKey()), causeId, occurredAt);
        for (FinanceEvent event : outcome.events()) {
            store.insertIfAbsent(new FinanceEventStore.StoredEvent(event.eventId(), event.eventType(), debtor.hubId(),
                    event.occurredAt(), json.write(event)), debtor.debtorKey(), causeId);
        }
        store.savePublished(debtor.debtorKey(), outcome.published());
        Map<String, FinanceEventStore.StoredEvent> byId = new LinkedHashMap<>();
        store.causedBy(causeId, debtor.debtorKey()).forEach(event -> byId.put(event.eventId(), event));
        return List.copyOf(byId.values());
    }
}
