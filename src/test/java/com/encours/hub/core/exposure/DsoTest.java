package com.encours.hub.core.exposure;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DsoTest {

    private static final LocalDate END_OF_APRIL = LocalDate.of(2026, 4, 30);

    @Test
    void simpleDsoIsReceivablesOverSalesTimesDays() {
        // 30 000 × 90 / 45 000 = 60
        assertThat(Dso.simple(amount("30000"), amount("45000"), 90)).isEqualTo(new BigDecimal("60.0"));
        // 10 000 × 90 / 33 000 = 27.2727… → 27.3
        assertThat(Dso.simple(amount("10000"), amount("33000"), 90)).isEqualTo(new BigDecimal("27.3"));
        // 149 × 1 / 20 = 7.45 → 7.5 (HALF_UP)
        assertThat(Dso.simple(amount("149"), amount("20"), 1)).isEqualTo(new BigDecimal("7.5"));
    }

    @Test
    void simpleDsoIsUndefinedWithoutNetSales() {
        assertThat(Dso.simple(amount("5000"), BigDecimal.ZERO, 90)).isNull();
        assertThat(Dso.simple(BigDecimal.ZERO, BigDecimal.ZERO, 90)).isNull();
        // more credit notes than invoices in the period
        assertThat(Dso.simple(amount("5000"), amount("-100"), 90)).isNull();
    }

    @Test
    void nothingOwedIsZeroDays() {
        assertThat(Dso.simple(BigDecimal.ZERO, amount("1000"), 90)).isEqualTo(new BigDecimal("0.0"));
        assertThat(Dso.simple(amount("-50"), amount("1000"), 90)).isEqualTo(new BigDecimal("0.0"));
        assertThat(Dso.countBack(amount("-50"), Map.of(YearMonth.of(2026, 4), amount("1000")), END_OF_APRIL, 24))
                .isEqualTo(new BigDecimal("0.0"));
    }

    @Test
    void countBackExhaustsMonthsOf30And31And28Days() {
        Map<YearMonth, BigDecimal> sales = Map.of(
                YearMonth.of(2026, 4), amount("10000"),
                YearMonth.of(2026, 3), amount("12000"),
                YearMonth.of(2026, 2), amount("15000"));

        // 25 000 − 10 000 (April, 30 days) = 15 000; − 12 000 (March, 31 days) = 3 000;
        // February (28 days): 3 000 / 15 000 × 28 = 5.6 → 30 + 31 + 5.6 = 66.6
        assertThat(Dso.countBack(amount("25000"), sales, END_OF_APRIL, 24)).isEqualTo(new BigDecimal("66.6"));
        // exactly April's sales: 10 000 / 10 000 × 30 = 30
        assertThat(Dso.countBack(amount("10000"), sales, END_OF_APRIL, 24)).isEqualTo(new BigDecimal("30.0"));
    }

    @Test
    void countBackProratesTheLastMonthAndRoundsOnce() {
        Map<YearMonth, BigDecimal> sales = Map.of(
                YearMonth.of(2026, 4), amount("10000"),
                YearMonth.of(2026, 3), amount("3000"));

        // 11 000 − 10 000 = 1 000; 1 000 / 3 000 × 31 = 10.333… → 30 + 10.333… = 40.3
        assertThat(Dso.countBack(amount("11000"), sales, END_OF_APRIL, 24)).isEqualTo(new BigDecimal("40.3"));
    }

    @Test
    void countBackCountsOnlyTheDaysOfTheCurrentMonthUpToTheDay() {
        Map<YearMonth, BigDecimal> sales = Map.of(
                YearMonth.of(2026, 3), amount("5000"),
                YearMonth.of(2026, 2), amount("14000"),
                YearMonth.of(2026, 1), amount("10000"));

        // 15 March: 24 000 − 5 000 (15 days) = 19 000; − 14 000 (28 days) = 5 000;
        // January: 5 000 / 10 000 × 31 = 15.5 → 15 + 28 + 15.5 = 58.5
        assertThat(Dso.countBack(amount("24000"), sales, LocalDate.of(2026, 3, 15), 24))
                .isEqualTo(new BigDecimal("58.5"));
    }

    @Test
    void countBackKnowsLeapFebruary() {
        Map<YearMonth, BigDecimal> sales = Map.of(
                YearMonth.of(2028, 3), amount("31000"),
                YearMonth.of(2028, 2), amount("29000"));

        // 40 000 − 31 000 = 9 000 (31 days); 9 000 / 29 000 × 29 = 9 → 40
        assertThat(Dso.countBack(amount("40000"), sales, LocalDate.of(2028, 3, 31), 24))
                .isEqualTo(new BigDecimal("40.0"));
    }

    @Test
    void aMonthWithoutSalesAddsItsDaysAndOneWithOnlyCreditsGivesThemBack() {
        Map<YearMonth, BigDecimal> noSalesInApril = Map.of(YearMonth.of(2026, 3), amount("12000"));
        // April: nothing sold, 30 days; March: 6 000 / 12 000 × 31 = 15.5 → 45.5
        assertThat(Dso.countBack(amount("6000"), noSalesInApril, END_OF_APRIL, 24)).isEqualTo(new BigDecimal("45.5"));

        Map<YearMonth, BigDecimal> creditsInApril = Map.of(
                YearMonth.of(2026, 4), amount("-1000"),
                YearMonth.of(2026, 3), amount("12000"));
        // 5 000 − (−1 000) = 6 000 after April's 30 days; March: 6 000 / 12 000 × 31 = 15.5 → 45.5
        assertThat(Dso.countBack(amount("5000"), creditsInApril, END_OF_APRIL, 24)).isEqualTo(new BigDecimal("45.5"));
    }

    @Test
    void countBackIsUndefinedWhenTheHorizonSoldLessThanIsOwedOrNothing() {
        Map<YearMonth, BigDecimal> sales = Map.of(
                YearMonth.of(2026, 4), amount("10000"),
                YearMonth.of(2026, 3), amount("12000"),
                YearMonth.of(2026, 1), amount("100000"));

        // a two-month horizon (April, March) sold 22 000 < 30 000; January is beyond it
        assertThat(Dso.countBack(amount("30000"), sales, END_OF_APRIL, 2)).isNull();
        assertThat(Dso.countBack(BigDecimal.ZERO, Map.of(), END_OF_APRIL, 24)).isNull();
    }

    private static BigDecimal amount(String value) {
        return new BigDecimal(value);
    }
}
