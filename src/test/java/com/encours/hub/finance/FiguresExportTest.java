package com.encours.hub.finance;

import com.encours.hub.core.exposure.CreditLimit;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.encours.hub.core.exposure.FigureSettings;
import com.encours.hub.core.exposure.Headroom;
import com.encours.hub.core.exposure.ItemFact;
import com.encours.hub.core.exposure.LimitKind;
import com.encours.hub.core.exposure.ReceivableFigures;
import com.encours.hub.core.model.DocType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The daily CSV of a two-debtor portfolio against figures worked out by hand. */
class FiguresExportTest {

    static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    static final Currency EUR = Currency.getInstance("EUR");
    static final Currency USD = Currency.getInstance("USD");

    @TempDir
    Path directory;
    FiguresExport export;

    @AfterEach
    void stop() {
        if (export != null) {
            export.destroy();
        }
    }

    /**
     * Debtor A (EUR): invoice 1000 issued 1 Nov due 1 Dec (2 days late), invoice 500 issued 20 Nov due 20 Dec,
     * credit note 200 of 25 Nov; internal limit 1000, bureau limit 5000.
     * Debtor B: EUR invoice 2000 issued 1 Oct due 31 Oct paid 10 Nov; EUR invoice 700 issued 1 Aug due 31 Aug
     * (94 days late); USD invoice 300 issued 15 Nov due 15 Dec; internal limit 1000 EUR.
     */
    static PortfolioFigures.Portfolio portfolio() {
        FigureSettings settings = FigureSettings.standard(DAY);
        ReceivableFigures a = sums(settings,
                new ItemFact(EUR, DocType.INVOICE, amount("1000.00"), amount("1000.00"), day(11, 1), day(12, 1), null),
                new ItemFact(EUR, DocType.INVOICE, amount("500.00"), amount("500.00"), day(11, 20), day(12, 20), null),
                new ItemFact(EUR, DocType.CREDIT_NOTE, amount("200.00"), amount("200.00"), day(11, 25), day(11, 25), null));
        ReceivableFigures b = sums(settings,
                new ItemFact(EUR, DocType.INVOICE, amount("2000.00"), amount("0.00"), day(10, 1), day(10, 31), day(11, 10)),
                new ItemFact(EUR, DocType.INVOICE, amount("700.00"), amount("700.00"), LocalDate.of(2026, 8, 1),
                        LocalDate.of(2026, 8, 31), null),
                new ItemFact(USD, DocType.INVOICE, amount("300.00"), amount("300.00"), day(11, 15), day(12, 15), null));
        DebtorFigures.Figures debtorA = figures("bc:CRONUS:A", "A", "Alpha; \"the first\" NV", a,
                List.of(new CreditLimit(LimitKind.INTERNAL, amount("1000"), EUR),
                        new CreditLimit(LimitKind.BUREAU, amount("5000"), EUR)));
        DebtorFigures.Figures debtorB = figures("bc:CRONUS:B", "B", "=Beta BV", b,
                List.of(new CreditLimit(LimitKind.INTERNAL, amount("1000"), EUR)));
        ReceivableFigures totals = new ReceivableFigures(settings).merge(a).merge(b);
        return new PortfolioFigures.Portfolio(DAY, List.of(debtorA, debtorB), totals.figures());
    }

    @Test
    void theCsvHoldsEachDebtorAndCurrencyThenThePortfolioTotals() {
        String csv = FiguresCsv.of(portfolio());

        assertThat(csv.split("\r\n")).containsExactly(
                String.join(";", FiguresCsv.HEADER),
                // A: open 1000 + 500 - 200 = 1300, overdue 1000 - 200 = 800, ratio 800/1300 = 0.6154;
                // sales of the 90 days 1300: DSO 1300/1300 x 90 = 90.0; count-back: 3 days of December without
                // sales, then November's 1300 covers 1300: 3 + 30 = 33.0; headroom 1000 - 1300, 5000 - 1300
                "2026-12-03;DEBTOR;bc:CRONUS:A;hub-A;A;\"Alpha; \"\"the first\"\" NV\";EUR;1300.00;800.00;500.00;"
                        + "800.00;0;0;0;0.6154;3;1300.00;90.0;33.0;;;0;1000;-300.00;5000;3700.00",
                // B EUR: open 700, all over 90 days; sales of the period 2000 (1 Aug is before 5 Sep):
                // DSO 700/2000 x 90 = 31.5; count-back 3 + 30 + 31 x 700/2000 = 43.85 -> 43.9;
                // paid 40 days after issue, 10 after due
                "2026-12-03;DEBTOR;bc:CRONUS:B;hub-B;B;'=Beta BV;EUR;700.00;700.00;0;0;0;0;700.00;1.0000;1;"
                        + "2000.00;31.5;43.9;40.0;10.0;1;1000;300.00;;",
                "2026-12-03;DEBTOR;bc:CRONUS:B;hub-B;B;'=Beta BV;USD;300.00;0;300.00;0;0;0;0;0.0000;1;"
                        + "300.00;90.0;33.0;;;0;;;;",
                // EUR: open 2000, overdue 1500, ratio 0.7500; DSO 2000/3300 x 90 = 54.5;
                // count-back 3 + 30 (November's 1300 leaves 700) + 31 x 700/2000 = 43.9
                "2026-12-03;TOTAL;;;;;EUR;2000.00;1500.00;500.00;800.00;0;0;700.00;0.7500;4;3300.00;54.5;43.9;"
                        + "40.0;10.0;1;;;;",
                "2026-12-03;TOTAL;;;;;USD;300.00;0;300.00;0;0;0;0;0.0000;1;300.00;90.0;33.0;;;0;;;;");
    }

    @Test
    void aDayIsWrittenOnceWholeAndARerunLeavesItAsItIs() throws IOException {
        PortfolioFigures figures = mock(PortfolioFigures.class);
        when(figures.asOf(DAY)).thenReturn(portfolio());
        export = new FiguresExport(figures, directory, "0 0 0 1 1 *", Clock.system(ZoneOffset.UTC));

        Path written = export.export(DAY).orElseThrow();

        assertThat(written.getFileName()).hasToString("portfolio-figures-2026-12-03.csv");
        assertThat(Files.readString(written, StandardCharsets.UTF_8)).isEqualTo(FiguresCsv.of(portfolio()));
        Files.writeString(written, "as read by finance");
        assertThat(export.export(DAY)).isEmpty();
        assertThat(Files.readString(written)).isEqualTo("as read by finance");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).as("no .part left behind").containsExactly(written);
        }
    }

    private static ReceivableFigures sums(FigureSettings settings, ItemFact... facts) {
        ReceivableFigures sums = new ReceivableFigures(settings);
        Stream.of(facts).forEach(sums::add);
        return sums;
    }

    private static DebtorFigures.Figures figures(String key, String ref, String name, ReceivableFigures sums,
                                                 List<CreditLimit> limits) {
        List<CurrencyFigures> figures = sums.figures();
        return new DebtorFigures.Figures(new FinanceEvent.DebtorRef("hub-" + ref, key, ref, name, "BE", List.of()),
                figures, Headroom.against(limits, figures));
    }

    private static BigDecimal amount(String value) {
        return new BigDecimal(value);
    }

    private static LocalDate day(int month, int dayOfMonth) {
        return LocalDate.of(2026, month, dayOfMonth);
    }
}
