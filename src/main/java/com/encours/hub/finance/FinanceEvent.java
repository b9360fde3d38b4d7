package com.encours.hub.finance;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.Headroom;
import com.encours.hub.core.exposure.LimitKind;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;

/**
 * A fact about a debtor that finance systems receive besides the item events: its assessment, its figures, a
 * limit it crossed, a score that fell. Contracts: {@code src/main/resources/schemas/<eventType>.v1.schema.json}.
 *
 * @param data one of the records below, as the event type says
 */
public record FinanceEvent(String eventId, String eventType, int schemaVersion, Instant occurredAt, DebtorRef debtor,
                           Object data) {

    public static final String DEBTOR_ASSESSED = "debtor.assessed";
    public static final String EXPOSURE_CHANGED = "exposure.changed";
    public static final String LIMIT_BREACHED = "limit.breached";
    public static final String SCORE_DROPPED = "score.dropped";
    public static final List<String> TYPES = List.of(DEBTOR_ASSESSED, EXPOSURE_CHANGED, LIMIT_BREACHED, SCORE_DROPPED);

    /**
     * An id stable for one cause: the same input redelivered gives the same id, another input another one.
     *
     * @param detail what tells apart events of one type with the same cause (e.g. the limit kind and currency)
     */
    static String idOf(String eventType, String debtorKey, String causeId, String detail) {
        return "evt-" + Hashes.shortSha256(eventType + "|" + debtorKey + "|" + causeId + "|" + detail);
    }

    /** Who the event is about: the hub's id, the ERP's key and reference, and the identifiers. */
    public record DebtorRef(String hubId, String debtorKey, String debtorRef, String name, String country,
                            List<DebtorIdentifier> identifiers) {

        public static DebtorRef of(Debtor debtor) {
            return new DebtorRef(debtor.hubId(), debtor.debtorKey(), debtor.debtorRef(), debtor.name(), debtor.country(),
                    debtor.identifiers());
        }
    }

    /** debtor.assessed: the assessment is new, or says something else than the last one published. */
    public record Assessed(CreditAssessment assessment) {
    }

    /**
     * score.dropped: the normalised score fell by at least the configured points, or the band worsened.
     *
     * @param drop previous − current score; absent when either is not rated
     */
    public record ScoreDropped(Integer previousScore, Integer score, String previousRatingBand, String ratingBand,
                               Integer drop, CreditAssessment assessment) {
    }

    /** exposure.changed: the debtor's figures per currency and its headroom under each limit, as of a day. */
    public record ExposureChanged(LocalDate asOf, List<CurrencyFigures> figures, List<Headroom> headroom) {
    }

    /**
     * limit.breached: exposure went above a limit it was within (or had none before).
     *
     * @param previousExposure the exposure in the limit's currency when the figures were last published (0 if never)
     * @param excess           exposure − limit, positive
     */
    public record LimitBreached(LimitKind limitKind, Currency currency, BigDecimal limit, BigDecimal previousExposure,
                                BigDecimal exposure, BigDecimal excess) {
    }
}
