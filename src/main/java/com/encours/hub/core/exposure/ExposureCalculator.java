package com.encours.hub.core.exposure;

import com.encours.hub.core.model.Exposure;

import java.math.BigDecimal;
import java.time.LocalDate;
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
            totals.ageing = totals.ageing.plus(AgeingBucket.of(line.dueDate(), today), amount);
            totals.items++;
        }
        if (byCurrency.isEmpty() && internalLimit != null && limitCurrency != null) {
            byCurrency.put(limitCurrency.getCurrencyCode(), new Totals());
        }
        List<Exposure> exposures = new ArrayList<>();
        byCurrency.forEach((code, totals) -> {
            Currency currency = Currency.getInstance(code);
            boolean limitApplies = internalLimit != null && currency.equals(limitCurrency);
            Ageing ageing = totals.ageing;
            exposures.add(new Exposure(currency, ageing.open(), ageing.overdue(), ageing.days1To30(),
                    ageing.days31To60(), ageing.days61To90(), ageing.over90(), ageing.overdueRatio(),
                    limitApplies ? internalLimit : null, limitApplies ? internalLimit.subtract(ageing.open()) : null,
                    totals.items));
        });
        exposures.sort(Comparator.comparing(e -> e.currency().getCurrencyCode()));
        return exposures;
    }

    private static final class Totals {
        private Ageing ageing = Ageing.EMPTY;
        private int items;
    }
}
