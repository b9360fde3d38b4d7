package com.encours.hub.core.model;

import java.time.Instant;
import java.time.LocalDate;

/**
 * What VIES answered about one VAT number.
 *
 * @param countryCode        VIES country code (EL for Greece, XI for Northern Ireland)
 * @param vatNumber          the number without its country prefix
 * @param valid              whether the member state knows the number as an active VAT registration
 * @param name               the registered name, when the member state gives it (null otherwise)
 * @param address            the registered address, one line per address line, when given (null otherwise)
 * @param requestDate        the day VIES answered, as VIES dates it (Brussels time)
 * @param consultationNumber VIES's reference for this check (its requestIdentifier); only when the connector
 *                           has a requester VAT number. Keep it as evidence that the number was checked.
 * @param checkedAt          when the hub asked VIES (a cached answer keeps the time of the call that got it)
 */
public record VatCheck(String countryCode, String vatNumber, boolean valid, String name, String address,
                       LocalDate requestDate, String consultationNumber, Instant checkedAt) {
}
