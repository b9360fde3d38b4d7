package com.encours.hub.core.exposure;

import com.encours.hub.core.model.Exposure;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExposureCalculatorTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency USD = Currency.getInstance("USD");
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 24);

    @Test
    void splitsOverdueIntoBucketsByDaysPastDue() {
        List<ExposureCalculator.Line> lines = List.of(
                line(EUR, "1000.00", TODAY.plusDays(10), false),   // not due
                line(EUR, "250.50", TODAY, false),                 // due today: not overdue
                line(EUR, "100.10", TODAY.minusDays(1), false),    // 1 day
                line(EUR, "200.20", TODAY.minusDays(30), false),   // 30 days: still first bucket
                line(EUR, "300.30", TODAY.minusDays(31), false),   // 31 days
                line(EUR, "400.40", TODAY.minusDays(90), false),   // 90 days
                line(EUR, "500.50", TODAY.minusDays(91), false));  // over 90

        Exposure eur = ExposureCalculator.compute(lines, new BigDecimal("5000"), EUR, TODAY).get(0);

        // open = 1000.00 + 250.50 + 100.10 + 200.20 + 300.30 + 400.40 + 500.50 = 2752.00
        assertThat(eur.open()).isEqualByComparingTo("2752.00");
        assertThat(eur.overdue()).isEqualByComparingTo("1501.50");
        assertThat(eur.overdue1To30()).isEqualByComparingTo("300.30");
        assertThat(eur.overdue31To60()).isEqualByComparingTo("300.30");
        assertThat(eur.overdue61To90()).isEqualByComparingTo("400.40");
        assertThat(eur.overdueOver90()).isEqualByComparingTo("500.50");
        // 1501.50 / 2752.00 = 0.545603...
        assertThat(eur.overdueRatio()).isEqualByComparingTo("0.5456");
        assertThat(eur.headroom()).isEqualByComparingTo("2248.00");
        assertThat(eur.openItems()).isEqualTo(7);
    }

    @Test
    void keepsCurrenciesApartAndAppliesTheLimitOnlyInItsCurrency() {
        List<Exposure> exposures = ExposureCalculator.compute(List.of(
                line(EUR, "100.00", TODAY.minusDays(5), false),
                line(USD, "70.00", TODAY.plusDays(5), false)), new BigDecimal("1000"), EUR, TODAY);

        assertThat(exposures).extracting(e -> e.currency().getCurrencyCode()).containsExactly("EUR", "USD");
        assertThat(exposures.get(0).headroom()).isEqualByComparingTo("900.00");
        assertThat(exposures.get(1).internalLimit()).isNull();
        assertThat(exposures.get(1).headroom()).isNull();
        assertThat(exposures.get(1).overdueRatio()).isEqualByComparingTo("0");
    }

    @Test
    void creditNotesReduceWhatIsOwed() {
        Exposure eur = ExposureCalculator.compute(List.of(
                line(EUR, "500.00", TODAY.minusDays(40), false),
                line(EUR, "120.00", TODAY.minusDays(40), true)), null, null, TODAY).get(0);

        assertThat(eur.open()).isEqualByComparingTo("380.00");
        assertThat(eur.overdue31To60()).isEqualByComparingTo("380.00");
        assertThat(eur.overdueRatio()).isEqualByComparingTo("1.0000");
    }

    @Test
    void aDebtorWithNothingOpenStillShowsItsHeadroom() {
        List<Exposure> exposures = ExposureCalculator.compute(List.of(), new BigDecimal("2500"), EUR, TODAY);

        assertThat(exposures).singleElement().satisfies(e -> {
            assertThat(e.open()).isEqualByComparingTo("0");
            assertThat(e.headroom()).isEqualByComparingTo("2500");
        });
    }

    private static ExposureCalculator.Line line(Currency currency, String amount, LocalDate due, boolean credit) {
        return new ExposureCalculator.Line(currency, new BigDecimal(amount), due, credit);
    }
}
