package com.encours.hub.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;

/**
 * What a bureau says of a debtor. The provider's raw values are kept next to the normalised ones:
 * a credit manager wants to see "Not Rated" or "Refer to bureau" as the bureau wrote it.
 *
 * @param providerScore    the provider's own score as written, e.g. "85" or "Not Rated"
 * @param score            normalised 0..100 (higher is safer), null when the provider gives no rating
 * @param ratingBand       A..E (A is the lowest risk), null when not rated
 * @param recommendedLimit the provider's credit limit, null when it is not a number
 * @param limitText        the provider's limit as written when it is not a number
 */
public record CreditAssessment(
        String provider,
        String providerRef,
        String providerScore,
        Integer score,
        String ratingBand,
        String ratingDescription,
        BigDecimal recommendedLimit,
        Currency limitCurrency,
        String limitText,
        Instant fetchedAt,
        Instant validUntil) {

    @JsonIgnore
    public boolean isRated() {
        return score != null;
    }
}
