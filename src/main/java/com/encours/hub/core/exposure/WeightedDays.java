package com.encours.hub.core.exposure;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** An amount-weighted average of day counts, kept as its two sums so that debtors add up to a portfolio. */
record WeightedDays(BigDecimal amountTimesDays, BigDecimal amount, int items) {

    static final WeightedDays EMPTY = new WeightedDays(BigDecimal.ZERO, BigDecimal.ZERO, 0);

    WeightedDays plus(BigDecimal itemAmount, long days) {
        return new WeightedDays(amountTimesDays.add(itemAmount.multiply(BigDecimal.valueOf(days))),
                amount.add(itemAmount), items + 1);
    }

    WeightedDays plus(WeightedDays other) {
        return new WeightedDays(amountTimesDays.add(other.amountTimesDays), amount.add(other.amount),
                items + other.items);
    }

    /** Σ(amount × days) / Σ amount, 1 decimal HALF_UP; null without any amount to weigh. */
    BigDecimal average() {
        return amount.signum() > 0 ? amountTimesDays.divide(amount, 1, RoundingMode.HALF_UP) : null;
    }
}
