package com.encours.hub.core.exposure;

import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HeadroomTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency USD = Currency.getInstance("USD");
    private static final Currency GBP = Currency.getInstance("GBP");

    private static final List<CurrencyFigures> OWED = List.of(owing(EUR, "1800.00"), owing(USD, "700.00"));

    @Test
    void eachLimitIsMetByWhatIsOwedInItsOwnCurrency() {
        List<CreditLimit> limits = Stream.of(
                CreditLimit.internal(debtor("5000", EUR)),
                CreditLimit.bureau(assessment("3000", EUR)),
                CreditLimit.insured(new BigDecimal("2000"), USD)).flatMap(Optional::stream).toList();

        List<Headroom> headrooms = Headroom.against(limits, OWED);

        assertThat(headrooms).extracting(Headroom::kind)
                .containsExactly(LimitKind.INTERNAL, LimitKind.BUREAU, LimitKind.INSURED);
        // 5 000 − 1 800, 3 000 − 1 800, and 2 000 − 700 in dollars
        assertThat(headrooms).extracting(Headroom::headroom)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("3200"), new BigDecimal("1200"), new BigDecimal("1300"));
        assertThat(headrooms.get(2).exposure()).isEqualByComparingTo("700.00");
    }

    @Test
    void aLimitInACurrencyNothingIsOwedInIsAllHeadroom() {
        Headroom headroom = Headroom.against(List.of(new CreditLimit(LimitKind.INTERNAL, new BigDecimal("2500"), GBP)),
                OWED).get(0);

        assertThat(headroom.exposure()).isEqualByComparingTo("0");
        assertThat(headroom.headroom()).isEqualByComparingTo("2500");
    }

    @Test
    void owingMoreThanTheLimitLeavesNegativeHeadroomAndOwingExactlyItDoesNot() {
        Headroom over = Headroom.of(new CreditLimit(LimitKind.BUREAU, new BigDecimal("1000"), EUR),
                new BigDecimal("1800.00"));
        Headroom atLimit = Headroom.of(new CreditLimit(LimitKind.BUREAU, new BigDecimal("1800"), EUR),
                new BigDecimal("1800.00"));

        assertThat(over.headroom()).isEqualByComparingTo("-800.00");
        assertThat(over.isExceeded()).isTrue();
        assertThat(atLimit.isExceeded()).isFalse();
    }

    @Test
    void aLimitThatIsNotANumberOrHasNoCurrencyIsNoLimit() {
        assertThat(CreditLimit.bureau(assessment(null, EUR))).isEmpty();
        assertThat(CreditLimit.bureau(assessment("3000", null))).isEmpty();
        assertThat(CreditLimit.bureau(null)).isEmpty();
        assertThat(CreditLimit.internal(debtor(null, EUR))).isEmpty();
        assertThat(CreditLimit.internal(debtor("5000", null))).isEmpty();
        assertThat(CreditLimit.insured(null, EUR)).isEmpty();
    }

    private static CurrencyFigures owing(Currency currency, String open) {
        Ageing ageing = Ageing.EMPTY.plus(AgeingBucket.NOT_DUE, new BigDecimal(open));
        return new CurrencyFigures(currency, ageing.open(), ageing.overdue(), ageing.overdueRatio(), ageing, 1,
                BigDecimal.ZERO, null, null, null, null, 0);
    }

    private static Debtor debtor(String limit, Currency currency) {
        return new Debtor(null, "bc", "CRONUS", "C1", "Debtor", "BE", List.of(), null, null, null, null, null,
                limit == null ? null : new BigDecimal(limit), currency, false, null);
    }

    private static CreditAssessment assessment(String limit, Currency currency) {
        return new CreditAssessment("creditsafe", "BE-1", "85", 85, "A", "Very low risk",
                limit == null ? null : new BigDecimal(limit), currency, limit == null ? "Refer to bureau" : null, null,
                null);
    }
}
