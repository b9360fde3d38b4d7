package com.encours.hub.core.model;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * What a debtor owes in one currency, on a given day. Overdue buckets count days past due date.
 *
 * @param overdueRatio overdue / open, 4 decimals; zero when nothing is open
 */
public record Exposure(
        Currency currency,
        BigDecimal open,
        BigDecimal overdue,
        BigDecimal overdue1To30,
        BigDecimal overdue31To60,
        BigDecimal overdue61To90,
        BigDecimal overdueOver90,
        BigDecimal overdueRatio,
        BigDecimal internalLimit,
        BigDecimal headroom,
        int openItems) {
}
