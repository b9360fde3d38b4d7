package com.encours.hub.core.exposure;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class AgeingTest {

    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 24);

    @Test
    void bucketsCountDaysPastTheDueDateAndAnItemDueTodayIsNotLate() {
        assertThat(AgeingBucket.of(AS_OF.plusDays(1), AS_OF)).isEqualTo(AgeingBucket.NOT_DUE);
        assertThat(AgeingBucket.of(AS_OF, AS_OF)).isEqualTo(AgeingBucket.NOT_DUE);
        assertThat(AgeingBucket.of(AS_OF.minusDays(1), AS_OF)).isEqualTo(AgeingBucket.DAYS_1_TO_30);
        assertThat(AgeingBucket.of(AS_OF.minusDays(30), AS_OF)).isEqualTo(AgeingBucket.DAYS_1_TO_30);
        assertThat(AgeingBucket.of(AS_OF.minusDays(31), AS_OF)).isEqualTo(AgeingBucket.DAYS_31_TO_60);
        assertThat(AgeingBucket.of(AS_OF.minusDays(60), AS_OF)).isEqualTo(AgeingBucket.DAYS_31_TO_60);
        assertThat(AgeingBucket.of(AS_OF.minusDays(61), AS_OF)).isEqualTo(AgeingBucket.DAYS_61_TO_90);
        assertThat(AgeingBucket.of(AS_OF.minusDays(90), AS_OF)).isEqualTo(AgeingBucket.DAYS_61_TO_90);
        assertThat(AgeingBucket.of(AS_OF.minusDays(91), AS_OF)).isEqualTo(AgeingBucket.OVER_90);
    }

    @Test
    void theBucketsAddUpToWhatIsOpen() {
        Ageing ageing = Ageing.EMPTY
                .plus(AgeingBucket.NOT_DUE, new BigDecimal("1000.00"))
                .plus(AgeingBucket.DAYS_1_TO_30, new BigDecimal("250.00"))
                .plus(AgeingBucket.DAYS_61_TO_90, new BigDecimal("150.00"))
                .plus(AgeingBucket.OVER_90, new BigDecimal("100.00"));

        assertThat(ageing.open()).isEqualByComparingTo("1500.00");
        assertThat(ageing.overdue()).isEqualByComparingTo("500.00");
        // 500 / 1500 = 0.33333…
        assertThat(ageing.overdueRatio()).isEqualTo(new BigDecimal("0.3333"));
    }

    @Test
    void aCreditNoteNotYetDueCanPushTheRatioAboveOne() {
        Ageing ageing = Ageing.EMPTY
                .plus(AgeingBucket.DAYS_31_TO_60, new BigDecimal("500.00"))
                .plus(AgeingBucket.NOT_DUE, new BigDecimal("-200.00"));

        // overdue 500 of an open 300: 500 / 300 = 1.66666…
        assertThat(ageing.overdueRatio()).isEqualTo(new BigDecimal("1.6667"));
    }

    @Test
    void aDebtorInCreditHasNoOverdueRatio() {
        Ageing ageing = Ageing.EMPTY
                .plus(AgeingBucket.DAYS_1_TO_30, new BigDecimal("100.00"))
                .plus(AgeingBucket.NOT_DUE, new BigDecimal("-400.00"));

        assertThat(ageing.open()).isEqualByComparingTo("-300.00");
        assertThat(ageing.overdueRatio()).isEqualTo(new BigDecimal("0.0000"));
    }
}
