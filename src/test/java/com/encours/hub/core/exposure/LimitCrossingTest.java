package com.encours.hub.core.exposure;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class LimitCrossingTest {

    private static final BigDecimal LIMIT = new BigDecimal("1000");

    @Test
    void goingAboveTheLimitIsABreach() {
        assertThat(LimitCrossing.of(amount("900"), amount("1000.01"), LIMIT)).isEqualTo(LimitCrossing.BREACHED);
        // a debtor first seen already above its limit
        assertThat(LimitCrossing.of(null, amount("1500"), LIMIT)).isEqualTo(LimitCrossing.BREACHED);
    }

    @Test
    void comingBackToTheLimitOrBelowClearsIt() {
        assertThat(LimitCrossing.of(amount("1100"), amount("1000.00"), LIMIT)).isEqualTo(LimitCrossing.CLEARED);
        assertThat(LimitCrossing.of(amount("1100"), amount("0"), LIMIT)).isEqualTo(LimitCrossing.CLEARED);
    }

    @Test
    void stayingOnOneSideIsNoCrossing() {
        // reaching the limit exactly is still within it
        assertThat(LimitCrossing.of(amount("800"), amount("1000.00"), LIMIT)).isEqualTo(LimitCrossing.NONE);
        assertThat(LimitCrossing.of(amount("1100"), amount("1200"), LIMIT)).isEqualTo(LimitCrossing.NONE);
        assertThat(LimitCrossing.of(null, amount("300"), LIMIT)).isEqualTo(LimitCrossing.NONE);
    }

    private static BigDecimal amount(String value) {
        return new BigDecimal(value);
    }
}
