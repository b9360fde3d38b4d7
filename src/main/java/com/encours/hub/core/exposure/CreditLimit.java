package com.encours.hub.core.exposure;

import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;
import java.util.Optional;

/** A credit limit in its own currency: it only ever applies to what is owed in that currency. */
public record CreditLimit(LimitKind kind, BigDecimal amount, Currency currency) {

    public CreditLimit {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("a credit limit is not negative: " + amount);
        }
    }

    /** The ERP's limit; none when the debtor record has no limit or no currency to read it in. */
    public static Optional<CreditLimit> internal(Debtor debtor) {
        return of(LimitKind.INTERNAL, debtor.internalCreditLimit(), debtor.currency());
    }

    /** The bureau's recommended limit; none when it is not a number (e.g. "Refer to bureau") or has no currency. */
    public static Optional<CreditLimit> bureau(CreditAssessment assessment) {
        return assessment == null ? Optional.empty()
                : of(LimitKind.BUREAU, assessment.recommendedLimit(), assessment.limitCurrency());
    }

    /** The insurer's cover, when there is one. */
    public static Optional<CreditLimit> insured(BigDecimal amount, Currency currency) {
        return of(LimitKind.INSURED, amount, currency);
    }

    private static Optional<CreditLimit> of(LimitKind kind, BigDecimal amount, Currency currency) {
        return amount == null || currency == null ? Optional.empty()
                : Optional.of(new CreditLimit(kind, amount, currency));
    }
}
