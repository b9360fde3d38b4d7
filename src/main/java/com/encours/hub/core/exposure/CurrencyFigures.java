package com.encours.hub.core.exposure;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * The figures of a debtor, or of a whole portfolio, in one currency. Day figures have 1 decimal; null means
 * "cannot be computed" (see each).
 *
 * @param open                  Σ open amounts, credit notes and unapplied payments negative
 * @param overdue               the part of {@code open} past its due date
 * @param overdueRatio          taux d'échu, overdue / open, 4 decimals; 0 when open ≤ 0
 * @param openItems             items with something still open
 * @param salesOfPeriod         net sales issued in the DSO period
 * @param dsoSimple             open / salesOfPeriod × period days; null when salesOfPeriod ≤ 0
 * @param dsoCountBack          exhaustion DSO; null without net sales in the horizon or when they do not cover open
 * @param averageCollectionDays amount-weighted days from issue to clearing, null when nothing was paid in the window
 * @param paymentBehaviourDays  amount-weighted days from due date to clearing (+ late, − early), null likewise
 * @param paidItems             invoices and debit notes cleared in the window, the base of the behaviour
 */
public record CurrencyFigures(
        Currency currency,
        BigDecimal open,
        BigDecimal overdue,
        BigDecimal overdueRatio,
        Ageing ageing,
        int openItems,
        BigDecimal salesOfPeriod,
        BigDecimal dsoSimple,
        BigDecimal dsoCountBack,
        BigDecimal averageCollectionDays,
        BigDecimal paymentBehaviourDays,
        int paidItems) {
}
