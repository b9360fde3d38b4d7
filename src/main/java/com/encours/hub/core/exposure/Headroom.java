package com.encours.hub.core.exposure;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Currency;
import java.util.List;

/**
 * How much more a debtor may owe under one limit: limit − exposure, both in the limit's currency. Negative
 * when the debtor owes more than the limit allows.
 *
 * @param exposure what is open in the limit's currency (0 when nothing is)
 */
public record Headroom(LimitKind kind, Currency currency, BigDecimal limit, BigDecimal exposure, BigDecimal headroom) {

    public static Headroom of(CreditLimit limit, BigDecimal exposure) {
        return new Headroom(limit.kind(), limit.currency(), limit.amount(), exposure, limit.amount().subtract(exposure));
    }

    /** One headroom per limit, each against what is open in that limit's own currency. */
    public static List<Headroom> against(Collection<CreditLimit> limits, Collection<CurrencyFigures> figures) {
        return limits.stream().map(limit -> of(limit, figures.stream()
                .filter(figure -> figure.currency().equals(limit.currency()))
                .map(CurrencyFigures::open).findFirst().orElse(BigDecimal.ZERO))).toList();
    }

    /** Owing more than the limit; owing exactly the limit is allowed. */
    public boolean isExceeded() {
        return headroom.signum() < 0;
    }
}
