package com.encours.hub.core.exposure;

import com.encours.hub.core.model.DocType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Figures on 2026-11-24 with the standard settings: DSO period 2026-08-27..2026-11-24 (90 days), payment window
 * 2025-11-25..2026-11-24 (365 days), count-back horizon from 2024-12-01.
 */
class ReceivableFiguresTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency USD = Currency.getInstance("USD");
    private static final FigureSettings SETTINGS = FigureSettings.standard(LocalDate.of(2026, 11, 24));

    /** A debtor with open, partly paid and cleared invoices, a credit note, an unapplied payment and a USD item. */
    private static final List<ItemFact> FIRST_DEBTOR = List.of(
            // 24 days past due (31 Oct → 24 Nov)
            open(DocType.INVOICE, EUR, "1000", "1000", "2026-10-01", "2026-10-31"),
            // partly paid: 500 of 2 000 open, not yet due; sold 2 000
            open(DocType.INVOICE, EUR, "2000", "500", "2026-11-10", "2026-12-10"),
            // credit note, 9 days past its due date: −300 open, −300 sales
            open(DocType.CREDIT_NOTE, EUR, "300", "300", "2026-11-15", "2026-11-15"),
            // 146 days past due; sold before the DSO period
            open(DocType.INVOICE, EUR, "800", "800", "2026-06-01", "2026-07-01"),
            // unapplied payment: −200 open, 4 days past due, no sale
            open(DocType.PAYMENT, EUR, "200", "200", "2026-11-20", "2026-11-20"),
            // paid 7 days late, 37 days after issue
            cleared(DocType.INVOICE, EUR, "4000", "2026-09-01", "2026-10-01", "2026-10-08"),
            // paid 4 days early, 26 days after issue
            cleared(DocType.INVOICE, EUR, "1000", "2026-01-10", "2026-02-09", "2026-02-05"),
            // paid on the due date, on the window's first day, 30 days after issue
            cleared(DocType.INVOICE, EUR, "1500", "2025-10-26", "2025-11-25", "2025-11-25"),
            // paid the day before the window
            cleared(DocType.INVOICE, EUR, "9999", "2025-10-01", "2025-10-31", "2025-11-24"),
            // a settled credit note says nothing of how the debtor pays
            cleared(DocType.CREDIT_NOTE, EUR, "500", "2026-03-01", "2026-03-01", "2026-03-20"),
            open(DocType.INVOICE, USD, "700", "700", "2026-11-01", "2026-12-01"));

    private static final List<ItemFact> SECOND_DEBTOR = List.of(
            open(DocType.INVOICE, EUR, "3000", "3000", "2026-11-02", "2026-12-02"),
            // issued on the DSO period's first day; 59 days past due (26 Sep → 24 Nov)
            open(DocType.INVOICE, EUR, "1300", "1300", "2026-08-27", "2026-09-26"),
            // issued the day before the DSO period; paid 5 days late, 35 days after issue
            cleared(DocType.INVOICE, EUR, "2000", "2026-08-26", "2026-09-25", "2026-09-30"));

    @Test
    void aDebtorsFiguresPerCurrency() {
        List<CurrencyFigures> figures = ReceivableFigures.of(FIRST_DEBTOR, SETTINGS);

        assertThat(figures).extracting(CurrencyFigures::currency).containsExactly(EUR, USD);
        CurrencyFigures eur = figures.get(0);
        // 1 000 + 500 − 300 + 800 − 200
        assertThat(eur.open()).isEqualByComparingTo("1800");
        assertThat(eur.ageing().notDue()).isEqualByComparingTo("500");
        // 1 000 − 300 − 200
        assertThat(eur.ageing().days1To30()).isEqualByComparingTo("500");
        assertThat(eur.ageing().days31To60()).isEqualByComparingTo("0");
        assertThat(eur.ageing().days61To90()).isEqualByComparingTo("0");
        assertThat(eur.ageing().over90()).isEqualByComparingTo("800");
        assertThat(eur.overdue()).isEqualByComparingTo("1300");
        // 1 300 / 1 800 = 0.72222…
        assertThat(eur.overdueRatio()).isEqualTo(new BigDecimal("0.7222"));
        assertThat(eur.openItems()).isEqualTo(5);
        // 1 000 + 2 000 − 300 + 4 000: invoices by issue date in the period, the credit note taking 300 back
        assertThat(eur.salesOfPeriod()).isEqualByComparingTo("6700");
        // 1 800 × 90 / 6 700 = 24.179… → 24.2
        assertThat(eur.dsoSimple()).isEqualTo(new BigDecimal("24.2"));
        // November to the 24th sold 2 000 − 300 = 1 700 (24 days), leaving 100;
        // October sold 1 000: 100 / 1 000 × 31 = 3.1 → 27.1
        assertThat(eur.dsoCountBack()).isEqualTo(new BigDecimal("27.1"));
        // late: (4 000 × 7 + 1 000 × −4 + 1 500 × 0) / 6 500 = 24 000 / 6 500 = 3.69… → 3.7
        assertThat(eur.paymentBehaviourDays()).isEqualTo(new BigDecimal("3.7"));
        // issue to clearing: (4 000 × 37 + 1 000 × 26 + 1 500 × 30) / 6 500 = 219 000 / 6 500 = 33.69… → 33.7
        assertThat(eur.averageCollectionDays()).isEqualTo(new BigDecimal("33.7"));
        assertThat(eur.paidItems()).isEqualTo(3);
    }

    @Test
    void anotherCurrencyKeepsItsOwnFigures() {
        CurrencyFigures usd = ReceivableFigures.of(FIRST_DEBTOR, SETTINGS).get(1);

        assertThat(usd.open()).isEqualByComparingTo("700");
        assertThat(usd.salesOfPeriod()).isEqualByComparingTo("700");
        // 700 × 90 / 700
        assertThat(usd.dsoSimple()).isEqualTo(new BigDecimal("90.0"));
        // November's 700 exhaust the 700 owed: 700 / 700 × 24 days
        assertThat(usd.dsoCountBack()).isEqualTo(new BigDecimal("24.0"));
        assertThat(usd.paymentBehaviourDays()).isNull();
        assertThat(usd.averageCollectionDays()).isNull();
    }

    @Test
    void theDsoPeriodIncludesItsFirstDayAndNotTheDayBefore() {
        CurrencyFigures eur = ReceivableFigures.of(SECOND_DEBTOR, SETTINGS).get(0);

        // 3 000 + 1 300 (27 Aug); the 2 000 of 26 Aug are outside
        assertThat(eur.salesOfPeriod()).isEqualByComparingTo("4300");
        assertThat(eur.ageing().days31To60()).isEqualByComparingTo("1300");
    }

    @Test
    void aPortfolioAddsItsDebtorsSumsNotTheirRatios() {
        List<ItemFact> all = new ArrayList<>(FIRST_DEBTOR);
        all.addAll(SECOND_DEBTOR);
        List<CurrencyFigures> fromAllItems = ReceivableFigures.of(all, SETTINGS);
        List<CurrencyFigures> merged = new ReceivableFigures(SETTINGS).merge(debtor(FIRST_DEBTOR))
                .merge(debtor(SECOND_DEBTOR)).figures();

        assertThat(merged).isEqualTo(fromAllItems);
        CurrencyFigures eur = merged.get(0);
        // 1 800 + 3 000 + 1 300
        assertThat(eur.open()).isEqualByComparingTo("6100");
        assertThat(eur.ageing().notDue()).isEqualByComparingTo("3500");
        assertThat(eur.overdue()).isEqualByComparingTo("2600");
        // 2 600 / 6 100 = 0.42622…
        assertThat(eur.overdueRatio()).isEqualTo(new BigDecimal("0.4262"));
        // 6 100 × 90 / (6 700 + 4 300) = 49.909… → 49.9 (the debtors alone: 24.2 and 90.0)
        assertThat(eur.dsoSimple()).isEqualTo(new BigDecimal("49.9"));
        // November 1 700 + 3 000 = 4 700 (24 days) leaves 1 400; October 1 000 (31 days) leaves 400;
        // September 4 000: 400 / 4 000 × 30 = 3 → 58.0
        assertThat(eur.dsoCountBack()).isEqualTo(new BigDecimal("58.0"));
        // (24 000 + 2 000 × 5) / (6 500 + 2 000) = 34 000 / 8 500 = 4
        assertThat(eur.paymentBehaviourDays()).isEqualTo(new BigDecimal("4.0"));
        // (219 000 + 2 000 × 35) / 8 500 = 289 000 / 8 500 = 34
        assertThat(eur.averageCollectionDays()).isEqualTo(new BigDecimal("34.0"));
        assertThat(eur.openItems()).isEqualTo(7);
        assertThat(merged.get(1).open()).isEqualByComparingTo("700");
    }

    @Test
    void withoutSalesInThePeriodOnlyTheCountBackDsoIsDefined() {
        CurrencyFigures eur = ReceivableFigures.of(List.of(
                open(DocType.INVOICE, EUR, "500", "500", "2026-01-05", "2026-02-04")), SETTINGS).get(0);

        assertThat(eur.salesOfPeriod()).isEqualByComparingTo("0");
        assertThat(eur.dsoSimple()).isNull();
        // nothing sold from February to 24 November: 24 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 + 28 = 297 days,
        // then January's 500 exhaust the 500 owed: + 500 / 500 × 31 = 328
        assertThat(eur.dsoCountBack()).isEqualTo(new BigDecimal("328.0"));
    }

    @Test
    void aWindowOfOneDayHoldsOnlyItsDay() {
        FigureSettings oneDay = new FigureSettings(LocalDate.of(2026, 11, 24), 1, 1, 1);
        CurrencyFigures eur = ReceivableFigures.of(List.of(
                cleared(DocType.INVOICE, EUR, "100", "2026-11-01", "2026-11-20", "2026-11-24"),
                cleared(DocType.INVOICE, EUR, "900", "2026-11-01", "2026-11-20", "2026-11-23")), oneDay).get(0);

        // only the item cleared on the 24th: 4 days late
        assertThat(eur.paymentBehaviourDays()).isEqualTo(new BigDecimal("4.0"));
        assertThat(eur.paidItems()).isEqualTo(1);
    }

    @Test
    void onlyFiguresOfTheSameSettingsAddUp() {
        ReceivableFigures otherDay = new ReceivableFigures(FigureSettings.standard(LocalDate.of(2026, 11, 25)));

        assertThatThrownBy(() -> new ReceivableFigures(SETTINGS).merge(otherDay))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ReceivableFigures debtor(List<ItemFact> facts) {
        ReceivableFigures figures = new ReceivableFigures(SETTINGS);
        facts.forEach(figures::add);
        return figures;
    }

    private static ItemFact open(DocType type, Currency currency, String original, String open, String issued,
                                 String due) {
        return new ItemFact(currency, type, new BigDecimal(original), new BigDecimal(open), LocalDate.parse(issued),
                LocalDate.parse(due), null);
    }

    private static ItemFact cleared(DocType type, Currency currency, String original, String issued, String due,
                                    String cleared) {
        return new ItemFact(currency, type, new BigDecimal(original), BigDecimal.ZERO, LocalDate.parse(issued),
                LocalDate.parse(due), LocalDate.parse(cleared));
    }
}
