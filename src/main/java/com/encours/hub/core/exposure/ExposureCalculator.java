package com.encours.hub.core.exposure;

import com.encours.hub.core.model.Exposure;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a debtor owes, per currency, on a given day. Amounts in different currencies are never added:
 * converting would need a rate the hub does not own.
 *
 * <ul>
 *   <li>open = Σ open amount of open and partly paid items; credit notes and unapplied payments count
 *       negative</li>
 *   <li>overdue = the part of open whose due date is before the day; buckets by days past due:
 *       1–30, 31–60, 61–90, over 90</li>
 *   <li>overdue ratio (taux d'échu) = overdue / open, 4 decimals, 0 when open ≤ 0</li>
 *   <li>headroom = internal limit − open, in the limit's currency only</li>
 * </ul>
 */
public final class ExposureCalculator {

    private ExposureCalculator() {
    }

    /** One item as the calculation needs it; {@code credit} marks credit notes and payments. */
    public record Line(Currency currency, BigDecimal openAmount, LocalDate dueDate, boolean credit) {
    }

    public static List<Exposure> compute(List<Line> lines, BigDecimal internalLimit, Currency limitCurrency,
                                         LocalDate today) {
        Map<String, Totals> byCurrency = new TreeMap<>();
        for (Line line : lines) {
            Totals totals = byCurrency.computeIfAbsent(line.currency().getCurrencyCode(), code -> new Totals());
            BigDecimal amount = line.credit() ? line.openAmount().negate() : line.openAmount();
            totals.open = totals.open.add(amount);
            totals.items++;
            long daysLate = ChronoUnit.DAYS.between(line.dueDate(), today);
            if (daysLate > 0) {
                totals.overdue = totals.overdue.add(amount);
                int bucket = daysLate <= 30 ? 0 : daysLate <= 60 ? 1 : daysLate <= 90 ? 2 : 3;
                totals.buckets[bucket] = totals.buckets[bucket].add(amount);
            }
        }
        if (byCurrency.isEmpty() && internalLimit != null && limitCurrency != null) {
            byCurrency.put(limitCurrency.getCurrencyCode(), new Totals());
        }
        List<Exposure> exposures = new ArrayList<>();
        byCurrency.forEach((code, totals) -> {
            Currency currency = Currency.getInstance(code);
            boolean limitApplies = internalLimit != null && currency.equals(limitCurrency);
            BigDecimal ratio = totals.open.signum() > 0
                    ? totals.overdue.divide(totals.open, 4, RoundingMode.HALF_UP) : BigDecimal.ZERO.setScale(4);
            exposures.add(new Exposure(currency, totals.open, totals.overdue, totals.buckets[0], totals.buckets[1],
                    totals.buckets[2], totals.buckets[3], ratio, limitApplies ? internalLimit : null,
                    limitApplies ? internalLimit.subtract(totals.open) : null, totals.items));
        });
        exposures.sort(Comparator.comparing(e -> e.currency().getCurrencyCode()));
        return exposures;
    }

    private static final class Totals {
        private BigDecimal open = BigDecimal.ZERO;
        private BigDecimal overdue = BigDecimal.ZERO;
        private final BigDecimal[] buckets = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        private int items;
    }
}
