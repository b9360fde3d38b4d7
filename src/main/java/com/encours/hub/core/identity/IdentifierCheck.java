package com.encours.hub.core.identity;

import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;

/**
 * What checking one identifier found.
 *
 * @param scheme              the scheme it was checked as
 * @param value               the identifier in the one form the hub stores and sends to bureaus (e.g. "BE0403170701"
 *                            for "be 0403.170.701"); for an invalid identifier, the cleaned-up value that was checked;
 *                            null only when there was no value at all
 * @param valid               false when the value cannot be this kind of identifier: the debtor has a data error
 * @param checkDigitsVerified true when the number's own check digits were recomputed and matched; false when only its
 *                            format could be checked (no public check digit, or a country whose algorithm the hub does
 *                            not implement)
 * @param message             for an invalid identifier, the problem in words an ops user can act on; for a valid one
 *                            whose check digits were not verified, what was left unchecked; null when fully verified
 */
public record IdentifierCheck(IdentifierScheme scheme, String value, boolean valid, boolean checkDigitsVerified,
                              String message) {

    static IdentifierCheck verified(IdentifierScheme scheme, String value) {
        return new IdentifierCheck(scheme, value, true, true, null);
    }

    static IdentifierCheck formatOnly(IdentifierScheme scheme, String label, String value, String unchecked) {
        return new IdentifierCheck(scheme, value, true, false, label + " " + value + ": " + unchecked);
    }

    static IdentifierCheck invalid(IdentifierScheme scheme, String label, String value, String problem) {
        return new IdentifierCheck(scheme, value, false, false, label + " " + value + ": " + problem);
    }

    static IdentifierCheck missing(IdentifierScheme scheme, String label, String value) {
        return new IdentifierCheck(scheme, value, false, false, label + " is empty");
    }

    /** The identifier in its stored form, for a valid check. */
    public DebtorIdentifier toDebtorIdentifier() {
        if (!valid) {
            throw new IllegalStateException("Not a valid identifier: " + message);
        }
        return new DebtorIdentifier(scheme, value);
    }
}
