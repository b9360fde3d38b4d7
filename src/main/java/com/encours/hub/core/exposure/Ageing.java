package com.encours.hub.core.exposure;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An aged balance in one currency: open amounts (credit notes and unapplied payments negative) by days
 * past due. The five buckets add up to what is open.
 */
public record Ageing(BigDecimal notDue, BigDecimal days1To30, BigDecimal days31To60, BigDecimal days61To90,
                     BigDecimal over90) {

    public static final Ageing EMPTY = new Ageing(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
            BigDecimal.ZERO);

    public Ageing plus(AgeingBucket bucket, BigDecimal amount) {
        return switch (bucket) {
            case NOT_DUE -> new Ageing(notDue.add(amount), days1To30, days31To60, days61To90, over90);
            case DAYS_1_TO_30 -> new Ageing(notDue, days1To30.add(amount), days31To60, days61To90, over90);
            case DAYS_31_TO_60 -> new Ageing(notDue, days1To30, days31To60.add(amount), days61To90, over90);
            case DAYS_61_TO_90 -> new Ageing(notDue, days1To30, days31To60, days61To90.add(amount), over90);
            case OVER_90 -> new Ageing(notDue, days1To30, days31To60, days61To90, over90.add(amount));
        };
    }

    public Ageing plus(Ageing other) {
        return new Ageing(notDue.add(other.notDue), days1To30.add(other.days1To30), days31To60.add(other.days31To60),
                days61To90.add(other.days61To90), over90.add(other.over90));
    }

    /** What is open: the sum of the five buckets. */
    public BigDecimal open() {
        return notDue.add(overdue());
    }

    /** What is past its due date ("l'échu"). */
    public BigDecimal overdue() {
        return days1To30.add(days31To60).add(days61To90).add(over90);
    }

    /**
     * Taux d'échu: overdue / open, 4 decimals HALF_UP; zero when nothing (or a credit) is open, so that a
     * debtor without debt does not look late.
     */
    public BigDecimal overdueRatio() {
        BigDecimal open = open();
        return open.signum() > 0 ? overdue().divide(open, 4, RoundingMode.HALF_UP) : BigDecimal.ZERO.setScale(4);
    }
}
