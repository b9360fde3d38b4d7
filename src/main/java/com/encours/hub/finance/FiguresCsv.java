package com.encours.hub.finance;

import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.Headroom;
import com.encours.hub.core.exposure.LimitKind;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The portfolio figures as CSV: separator {@code ;}, one row per debtor and currency, then one TOTAL row per
 * currency. Amounts and day figures are plain decimals with a dot ({@code 1234.50}, never {@code 1.2345E+3});
 * an empty cell is a figure that cannot be computed (e.g. a DSO without sales) or a limit the debtor has not.
 */
public final class FiguresCsv {

    static final List<String> HEADER = List.of("asOf", "row", "debtorKey", "hubId", "debtorRef", "name", "currency",
            "open", "overdue", "notDue", "days1To30", "days31To60", "days61To90", "over90", "overdueRatio",
            "openItems", "salesOfPeriod", "dsoSimple", "dsoCountBack", "averageCollectionDays",
            "paymentBehaviourDays", "paidItems", "internalLimit", "internalHeadroom", "bureauLimit", "bureauHeadroom");

    private FiguresCsv() {
    }

    public static String of(PortfolioFigures.Portfolio portfolio) {
        StringBuilder csv = new StringBuilder();
        line(csv, HEADER);
        for (DebtorFigures.Figures debtor : portfolio.debtors()) {
            for (CurrencyFigures figures : debtor.figures()) {
                List<String> cells = new ArrayList<>(List.of(portfolio.asOf().toString(), "DEBTOR",
                        debtor.debtor().debtorKey(), debtor.debtor().hubId(), debtor.debtor().debtorRef(),
                        debtor.debtor().name()));
                cells.addAll(figureCells(figures));
                cells.addAll(limitCells(debtor.headroom(), figures, LimitKind.INTERNAL));
                cells.addAll(limitCells(debtor.headroom(), figures, LimitKind.BUREAU));
                line(csv, cells);
            }
        }
        for (CurrencyFigures figures : portfolio.totals()) {
            List<String> cells = new ArrayList<>(List.of(portfolio.asOf().toString(), "TOTAL", "", "", "", ""));
            cells.addAll(figureCells(figures));
            cells.addAll(List.of("", "", "", ""));
            line(csv, cells);
        }
        return csv.toString();
    }

    private static List<String> figureCells(CurrencyFigures figures) {
        return List.of(figures.currency().getCurrencyCode(), plain(figures.open()), plain(figures.overdue()),
                plain(figures.ageing().notDue()), plain(figures.ageing().days1To30()),
                plain(figures.ageing().days31To60()), plain(figures.ageing().days61To90()),
                plain(figures.ageing().over90()), plain(figures.overdueRatio()), String.valueOf(figures.openItems()),
                plain(figures.salesOfPeriod()), plain(figures.dsoSimple()), plain(figures.dsoCountBack()),
                plain(figures.averageCollectionDays()), plain(figures.paymentBehaviourDays()),
                String.valueOf(figures.paidItems()));
    }

    /** The limit of this kind in the row's currency, and the headroom under it; empty when there is none. */
    private static List<String> limitCells(List<Headroom> headroom, CurrencyFigures figures, LimitKind kind) {
        return headroom.stream().filter(h -> h.kind() == kind && h.currency().equals(figures.currency())).findFirst()
                .map(h -> List.of(plain(h.limit()), plain(h.headroom()))).orElse(List.of("", ""));
    }

    private static String plain(BigDecimal amount) {
        return amount == null ? "" : amount.toPlainString();
    }

    private static void line(StringBuilder csv, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                csv.append(';');
            }
            csv.append(cell(Objects.toString(cells.get(i), "")));
        }
        csv.append("\r\n");
    }

    /**
     * Quoted when it holds the separator, a quote or a line break (RFC 4180); text that a spreadsheet would run
     * as a formula (a debtor named "=HYPERLINK(...)") is prefixed with a quote so that it stays text.
     */
    static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 && !value.matches("-?[0-9.]+")
                ? "'" + value : value;
        if (safe.contains(";") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
