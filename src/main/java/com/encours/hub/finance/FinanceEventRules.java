package com.encours.hub.finance;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.exposure.CreditLimit;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.Headroom;
import com.encours.hub.core.exposure.LimitCrossing;
import com.encours.hub.core.model.CreditAssessment;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides which finance events a debtor's new assessment and figures call for, given what the events last
 * published about it. Pure: the caller reads and stores {@link Published}.
 *
 * @param scoreDropPoints a fall of the normalised score by at least this many points is a score.dropped
 */
public record FinanceEventRules(int scoreDropPoints) {

    /**
     * What the events last told of a debtor.
     *
     * @param exposure open amount per currency code when the figures were last published
     */
    public record Published(String assessmentHash, Integer score, String ratingBand, String figuresHash,
                            Map<String, BigDecimal> exposure) {

        public static final Published NOTHING = new Published(null, null, null, null, Map.of());
    }

    /** The events to publish, in this order, and what they leave published. */
    public record Outcome(List<FinanceEvent> events, Published published) {
    }

    /**
     * @param assessment null when the bureau has none for the debtor
     * @param limits     the limits the debtor has now (internal, bureau)
     * @param causeId    the enrich input these events come from (same input, same event ids)
     */
    public Outcome decide(FinanceEvent.DebtorRef debtor, CreditAssessment assessment, LocalDate asOf,
                          List<CurrencyFigures> figures, List<CreditLimit> limits, Published previous, String causeId,
                          Instant occurredAt) {
        List<FinanceEvent> events = new ArrayList<>();
        Events emit = (type, detail, data) -> events.add(new FinanceEvent(
                FinanceEvent.idOf(type, debtor.debtorKey(), causeId, detail), type, 1, occurredAt, debtor, data));

        String assessmentHash = assessment == null ? previous.assessmentHash() : assessmentHash(assessment);
        boolean assessmentChanged = assessment != null && !assessmentHash.equals(previous.assessmentHash());
        if (assessmentChanged) {
            emit.add(FinanceEvent.DEBTOR_ASSESSED, assessmentHash, new FinanceEvent.Assessed(assessment));
            if (previous.assessmentHash() != null && dropped(previous, assessment)) {
                Integer drop = previous.score() == null || assessment.score() == null ? null
                        : previous.score() - assessment.score();
                emit.add(FinanceEvent.SCORE_DROPPED, assessmentHash, new FinanceEvent.ScoreDropped(previous.score(),
                        assessment.score(), previous.ratingBand(), assessment.ratingBand(), drop, assessment));
            }
        }

        List<Headroom> headroom = Headroom.against(limits, figures);
        String figuresHash = Hashes.shortSha256(figures + "|" + headroom);
        Map<String, BigDecimal> exposure = figures.stream().collect(Collectors.toMap(
                figure -> figure.currency().getCurrencyCode(), CurrencyFigures::open, (a, b) -> a, TreeMap::new));
        if (!figuresHash.equals(previous.figuresHash())) {
            emit.add(FinanceEvent.EXPOSURE_CHANGED, figuresHash, new FinanceEvent.ExposureChanged(asOf, figures, headroom));
        }
        for (Headroom limit : headroom) {
            BigDecimal before = previous.exposure().getOrDefault(limit.currency().getCurrencyCode(), BigDecimal.ZERO);
            if (LimitCrossing.of(before, limit.exposure(), limit.limit()) == LimitCrossing.BREACHED) {
                emit.add(FinanceEvent.LIMIT_BREACHED, limit.kind() + ":" + limit.currency() + ":" + figuresHash,
                        new FinanceEvent.LimitBreached(limit.kind(), limit.currency(), limit.limit(), before,
                                limit.exposure(), limit.exposure().subtract(limit.limit())));
            }
        }
        Published next = assessmentChanged
                ? new Published(assessmentHash, assessment.score(), assessment.ratingBand(), figuresHash, exposure)
                : new Published(previous.assessmentHash(), previous.score(), previous.ratingBand(), figuresHash, exposure);
        return new Outcome(List.copyOf(events), next);
    }

    /** Band A is the lowest risk, E the highest: a later letter is worse. */
    private boolean dropped(Published previous, CreditAssessment now) {
        boolean scoreFell = previous.score() != null && now.score() != null
                && previous.score() - now.score() >= scoreDropPoints;
        boolean bandWorsened = previous.ratingBand() != null && now.ratingBand() != null
                && now.ratingBand().compareTo(previous.ratingBand()) > 0;
        boolean ratingLost = previous.score() != null && !now.isRated();
        return scoreFell || bandWorsened || ratingLost;
    }

    /** What the bureau says, without when it said it: a refresh that says the same is no news. */
    static String assessmentHash(CreditAssessment assessment) {
        return Hashes.shortSha256(String.join("|", Objects.toString(assessment.provider()),
                Objects.toString(assessment.providerRef()), Objects.toString(assessment.providerScore()),
                Objects.toString(assessment.score()), Objects.toString(assessment.ratingBand()),
                plain(assessment.recommendedLimit()), Objects.toString(assessment.limitCurrency()),
                Objects.toString(assessment.limitText())));
    }

    private static String plain(BigDecimal amount) {
        return amount == null ? "null" : amount.stripTrailingZeros().toPlainString();
    }

    @FunctionalInterface
    private interface Events {
        void add(String type, String detail, Object data);
    }
}
