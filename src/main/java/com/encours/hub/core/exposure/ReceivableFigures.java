package com.encours.hub.core.exposure;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up item facts into the figures credit managers steer by, per currency (amounts in different
 * currencies are never added). Everything kept is a sum, so the figures of a portfolio are those of all its
 * items, or the {@link #merge merge} of its debtors' figures: a portfolio DSO is Σ open / Σ sales, not an
 * average of debtors' DSOs. Not thread-safe; one instance per debtor or per portfolio run.
 */
public final class ReceivableFigures {

    private final FigureSettings settings;
    private final DateWindow dsoPeriod;
    private final DateWindow paymentWindow;
    private final DateWindow countBackHorizon;
    private final Map<Currency, Totals> byCurrency = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));

    public ReceivableFigures(FigureSettings settings) {
        this.settings = settings;
        this.dsoPeriod = settings.dsoPeriod();
        this.paymentWindow = settings.paymentWindow();
        LocalDate asOf = settings.asOf();
        this.countBackHorizon = new DateWindow(asOf.withDayOfMonth(1).minusMonths(settings.countBackMonths() - 1L),
                asOf);
    }

    /** The figures of these facts, one entry per currency they use, by currency code. */
    public static List<CurrencyFigures> of(Collection<ItemFact> facts, FigureSettings settings) {
        ReceivableFigures figures = new ReceivableFigures(settings);
        facts.forEach(figures::add);
        return figures.figures();
    }

    public ReceivableFigures add(ItemFact fact) {
        if (fact.isOpen()) {
            Totals totals = totals(fact.currency());
            totals.ageing = totals.ageing.plus(AgeingBucket.of(fact.dueDate(), settings.asOf()), fact.signedOpenAmount());
            totals.openItems++;
        }
        if (fact.isSale()) {
            addSale(fact);
        }
        if (fact.isBilledDocument() && paymentWindow.contains(fact.clearedDate())) {
            Totals totals = totals(fact.currency());
            totals.behaviour = totals.behaviour.plus(fact.originalAmount(),
                    ChronoUnit.DAYS.between(fact.dueDate(), fact.clearedDate()));
            if (fact.issueDate() != null) {
                totals.collection = totals.collection.plus(fact.originalAmount(),
                        ChronoUnit.DAYS.between(fact.issueDate(), fact.clearedDate()));
            }
        }
        return this;
    }

    private void addSale(ItemFact fact) {
        boolean inPeriod = dsoPeriod.contains(fact.issueDate());
        boolean inHorizon = countBackHorizon.contains(fact.issueDate());
        if (!inPeriod && !inHorizon) {
            return;
        }
        Totals totals = totals(fact.currency());
        if (inPeriod) {
            totals.salesOfPeriod = totals.salesOfPeriod.add(fact.signedSaleAmount());
        }
        if (inHorizon) {
            totals.salesByMonth.merge(YearMonth.from(fact.issueDate()), fact.signedSaleAmount(), BigDecimal::add);
        }
    }

    /** Adds another set of figures computed with the same settings, e.g. a debtor's into the portfolio. */
    public ReceivableFigures merge(ReceivableFigures other) {
        if (!settings.equals(other.settings)) {
            throw new IllegalArgumentException("figures of " + other.settings + " cannot be added to " + settings);
        }
        other.byCurrency.forEach((currency, theirs) -> totals(currency).add(theirs));
        return this;
    }

    public List<CurrencyFigures> figures() {
        return byCurrency.entrySet().stream().map(entry -> figures(entry.getKey(), entry.getValue())).toList();
    }

    private CurrencyFigures figures(Currency currency, Totals totals) {
        Ageing ageing = totals.ageing;
        BigDecimal open = ageing.open();
        return new CurrencyFigures(currency, open, ageing.overdue(), ageing.overdueRatio(), ageing, totals.openItems,
                totals.salesOfPeriod, Dso.simple(open, totals.salesOfPeriod, dsoPeriod.days()),
                Dso.countBack(open, totals.salesByMonth, settings.asOf(), settings.countBackMonths()),
                totals.collection.average(), totals.behaviour.average(), totals.behaviour.items());
    }

    private Totals totals(Currency currency) {
        return byCurrency.computeIfAbsent(currency, c -> new Totals());
    }

    private static final class Totals {
        private Ageing ageing = Ageing.EMPTY;
        private int openItems;
        private BigDecimal salesOfPeriod = BigDecimal.ZERO;
        private final Map<YearMonth, BigDecimal> salesByMonth = new HashMap<>();
        private WeightedDays collection = WeightedDays.EMPTY;
        private WeightedDays behaviour = WeightedDays.EMPTY;

        private void add(Totals other) {
            ageing = ageing.plus(other.ageing);
            openItems += other.openItems;
            salesOfPeriod = salesOfPeriod.add(other.salesOfPeriod);
            other.salesByMonth.forEach((month, sales) -> salesByMonth.merge(month, sales, BigDecimal::add));
            collection = collection.plus(other.collection);
            behaviour = behaviour.plus(other.behaviour);
        }
    }
}
