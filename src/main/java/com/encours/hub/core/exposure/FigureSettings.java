package com.encours.hub.core.exposure;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What the figures are computed over.
 *
 * @param asOf               the day the open amounts are true (in practice today); ageing counts from it and every
 *                           window ends on it
 * @param dsoPeriodDays      days of sales the simple DSO compares receivables with
 * @param paymentWindowDays  days of clearings the collection period and the payment behaviour average over
 * @param countBackMonths    calendar months the count-back DSO may go back, the month of {@code asOf} included
 */
public record FigureSettings(LocalDate asOf, int dsoPeriodDays, int paymentWindowDays, int countBackMonths) {

    public FigureSettings {
        Objects.requireNonNull(asOf, "asOf");
        if (dsoPeriodDays < 1 || paymentWindowDays < 1 || countBackMonths < 1) {
            throw new IllegalArgumentException("periods must be at least one day or month");
        }
    }

    /** A quarter of sales (90 days), a year of payments (365 days), two years of count-back. */
    public static FigureSettings standard(LocalDate asOf) {
        return new FigureSettings(asOf, 90, 365, 24);
    }

    public DateWindow dsoPeriod() {
        return DateWindow.lastDays(dsoPeriodDays, asOf);
    }

    public DateWindow paymentWindow() {
        return DateWindow.lastDays(paymentWindowDays, asOf);
    }
}
