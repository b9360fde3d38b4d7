package com.encours.hub.bureau;

import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;

import java.util.Optional;

/**
 * The country a debtor is registered in, for bureaus that search per country and for routing a debtor
 * to a bureau: the ERP's country, else the prefix of its VAT number, else the country of its national
 * registration number.
 */
public final class DebtorCountry {

    private DebtorCountry() {
    }

    public static Optional<String> of(Debtor debtor) {
        if (debtor.country() != null && !debtor.country().isBlank()) {
            return Optional.of(debtor.country());
        }
        String vat = debtor.identifier(IdentifierScheme.VAT);
        if (vat != null && vat.length() > 2 && Character.isLetter(vat.charAt(0)) && Character.isLetter(vat.charAt(1))) {
            String prefix = vat.substring(0, 2);
            // Greek VAT numbers start with EL, but Greece is GR everywhere else
            return Optional.of(prefix.equals("EL") ? "GR" : prefix);
        }
        return debtor.identifiers().stream().map(DebtorIdentifier::scheme)
                .filter(scheme -> scheme.name().matches("[A-Z]{2}_.*"))
                .map(scheme -> scheme.name().substring(0, 2)).findFirst();
    }
}
