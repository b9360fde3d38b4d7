package com.encours.hub.identity.vies;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A VAT number in the form VIES takes it: the VIES country code and the number without that prefix.
 *
 * @param countryCode one of {@link #MEMBER_STATES}
 * @param number      2 to 12 letters, digits, {@code +} or {@code *} (VIES's pattern without the dot, which
 *                    is only ever a separator, as in BE 0417.497.106)
 */
public record VatNumber(String countryCode, String number) {

    /** The country codes VIES answers for: the EU member states, Greece as EL, and XI for Northern Ireland. */
    public static final Set<String> MEMBER_STATES = Set.of("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES",
            "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI");
    private static final Pattern NUMBER = Pattern.compile("[0-9A-Z+*]{2,12}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.\\-/]");

    /**
     * Normalises a number as people and ERPs write it: separators dropped, upper case, the country prefix
     * removed when it is there, Greece's ISO code GR read as EL.
     *
     * @throws IllegalArgumentException naming what is wrong, when VIES could not answer for it
     */
    public static VatNumber of(String countryCode, String vatNumber) {
        String country = countryCode == null ? "" : countryCode.strip().toUpperCase(Locale.ROOT);
        if (country.equals("GR")) {
            country = "EL";
        }
        if (!MEMBER_STATES.contains(country)) {
            throw new IllegalArgumentException("'" + countryCode + "' is not a country VIES answers for (EU member "
                    + "states, EL for Greece, XI for Northern Ireland)");
        }
        String number = vatNumber == null ? "" : SEPARATORS.matcher(vatNumber).replaceAll("").toUpperCase(Locale.ROOT);
        String isoPrefix = country.equals("EL") ? "GR" : country;
        if (number.startsWith(country) || number.startsWith(isoPrefix)) {
            number = number.substring(2);
        }
        if (!NUMBER.matcher(number).matches()) {
            throw new IllegalArgumentException("'" + vatNumber + "' is not a VAT number VIES can check for " + country
                    + " (2 to 12 letters or digits after the country prefix)");
        }
        return new VatNumber(country, number);
    }

    @Override
    public String toString() {
        return countryCode + number;
    }
}
