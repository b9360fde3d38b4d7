package com.encours.hub.core.exposure;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;

/**
 * Days sales outstanding, in one currency, to 1 decimal HALF_UP. Null when there were no (net) sales to
 * measure against: a division by zero has no answer a credit manager could act on.
 */
public final class Dso {

    private static final BigDecimal ZERO_DAYS = BigDecimal.ZERO.setScale(1);

    private Dso() {
    }

    /** Receivables / sales of the period × days of the period; 0 when nothing (or a credit) is owed. */
    public static BigDecimal simple(BigDecimal receivables, BigDecimal salesOfPeriod, long periodDays) {
        if (salesOfPeriod.signum() <= 0) {
            return null;
        }
        if (receivables.signum() <= 0) {
            return ZERO_DAYS;
        }
        return receivables.multiply(BigDecimal.valueOf(periodDays)).divide(salesOfPeriod, 1, RoundingMode.HALF_UP);
    }

    /**
     * Count-back (exhaustion) DSO: takes each calendar month's sales from the receivables, the month of
     * {@code asOf} first (its days up to {@code asOf} only), adding the month's days, until what is left is no
     * more than a month's sales; that month adds its days prorated by left / its sales. A month whose net
     * sales are zero or negative adds its whole days and takes nothing away (or gives back its credits).
     * Null when the months of the horizon had no net sales, or sold less than is owed.
     *
     * @param salesByMonth net sales per calendar month; months outside the horizon are ignored
     * @param months       how many months the horizon has, the month of {@code asOf} included
     */
    public static BigDecimal countBack(BigDecimal receivables, Map<YearMonth, BigDecimal> salesByMonth,
                                       LocalDate asOf, int months) {
        YearMonth newest = YearMonth.from(asOf);
        BigDecimal horizonSales = BigDecimal.ZERO;
        for (int back = 0; back < months; back++) {
            horizonSales = horizonSales.add(salesByMonth.getOrDefault(newest.minusMonths(back), BigDecimal.ZERO));
        }
        if (horizonSales.signum() <= 0) {
            return null;
        }
        if (receivables.signum() <= 0) {
            return ZERO_DAYS;
        }
        BigDecimal left = receivables;
        long wholeDays = 0;
        for (int back = 0; back < months; back++) {
            YearMonth month = newest.minusMonths(back);
            long days = back == 0 ? asOf.getDayOfMonth() : month.lengthOfMonth();
            BigDecimal sales = salesByMonth.getOrDefault(month, BigDecimal.ZERO);
            if (sales.signum() > 0 && left.compareTo(sales) <= 0) {
                // wholeDays + left / sales × days, with one division so that only the result is rounded
                return BigDecimal.valueOf(wholeDays).multiply(sales).add(left.multiply(BigDecimal.valueOf(days)))
                        .divide(sales, 1, RoundingMode.HALF_UP);
            }
            left = left.subtract(sales);
            wholeDays += days;
        }
        return null;
    }
}
