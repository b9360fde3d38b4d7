package com.encours.hub.core.identity;

import com.encours.hub.core.model.IdentifierScheme;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static com.encours.hub.core.identity.NumberRules.allDigits;
import static com.encours.hub.core.identity.NumberRules.checkDigitsProblem;
import static com.encours.hub.core.identity.NumberRules.twoDigits;

/**
 * EU VAT numbers with their country prefix. Check digits are verified for BE, FR, NL, DE, LU, ES and IT; the other
 * member states (and XI, Northern Ireland) are checked against the VIES syntax table; any other ISO country prefix
 * only against the general shape of a VAT number (2 to 12 letters or digits).
 */
final class VatNumbers {

    private static final IdentifierScheme VAT = IdentifierScheme.VAT;

    /** VIES "VAT number structure" per member state, for the countries whose check digits are not verified here. */
    private static final Map<String, Syntax> VIES_SYNTAX = Map.ofEntries(
            Map.entry("AT", new Syntax("U[0-9]{8}", "'U' + 8 digits")),
            Map.entry("BG", new Syntax("[0-9]{9,10}", "9 or 10 digits")),
            Map.entry("CY", new Syntax("[0-9]{8}[A-Z]", "8 digits + a letter")),
            Map.entry("CZ", new Syntax("[0-9]{8,10}", "8, 9 or 10 digits")),
            Map.entry("DK", new Syntax("[0-9]{8}", "8 digits")),
            Map.entry("EE", new Syntax("[0-9]{9}", "9 digits")),
            Map.entry("EL", new Syntax("[0-9]{9}", "9 digits")),
            Map.entry("FI", new Syntax("[0-9]{8}", "8 digits")),
            Map.entry("HR", new Syntax("[0-9]{11}", "11 digits")),
            Map.entry("HU", new Syntax("[0-9]{8}", "8 digits")),
            Map.entry("IE", new Syntax("[0-9][0-9A-Z][0-9]{5}[A-Z]|[0-9]{7}[A-Z]{2}",
                    "8 or 9 characters: 7 digits + 1 or 2 letters (old numbers: a letter in second place)")),
            Map.entry("LT", new Syntax("[0-9]{9}|[0-9]{12}", "9 or 12 digits")),
            Map.entry("LV", new Syntax("[0-9]{11}", "11 digits")),
            Map.entry("MT", new Syntax("[0-9]{8}", "8 digits")),
            Map.entry("PL", new Syntax("[0-9]{10}", "10 digits")),
            Map.entry("PT", new Syntax("[0-9]{9}", "9 digits")),
            Map.entry("RO", new Syntax("[0-9]{2,10}", "2 to 10 digits")),
            Map.entry("SE", new Syntax("[0-9]{12}", "12 digits")),
            Map.entry("SI", new Syntax("[0-9]{8}", "8 digits")),
            Map.entry("SK", new Syntax("[0-9]{10}", "10 digits")),
            Map.entry("XI", new Syntax("[0-9]{9}|[0-9]{12}|GD[0-9]{3}|HA[0-9]{3}",
                    "9 or 12 digits, or GD/HA + 3 digits")));

    private static final Pattern ANY_VAT_NUMBER = Pattern.compile("[A-Z0-9]{2,12}");
    private static final Set<String> ISO_COUNTRIES = Set.of(Locale.getISOCountries());

    private static final Pattern FR_ALPHANUMERIC_KEY = Pattern.compile("[0-9A-HJ-NP-Z]{2}");
    private static final Pattern NL_FORMAT = Pattern.compile("[0-9]{9}B[0-9]{2}");
    private static final Pattern ES_DNI = Pattern.compile("[0-9]{8}[A-Z]");
    private static final Pattern ES_NIE_OR_KLM = Pattern.compile("[XYZKLM][0-9]{7}[A-Z]");
    private static final Pattern ES_CIF = Pattern.compile("[ABCDEFGHJNPQRSUVW][0-9]{7}[0-9A-J]");

    private VatNumbers() {
    }

    /** Checks a VAT number already stripped of separators and upper-cased; never throws. */
    static IdentifierCheck check(String vat) {
        String charset = NumberRules.lettersAndDigitsProblem(vat);
        if (charset != null) {
            return IdentifierCheck.invalid(VAT, "VAT number", vat, charset);
        }
        if (vat.length() < 2 || Character.isDigit(vat.charAt(0)) || Character.isDigit(vat.charAt(1))) {
            return IdentifierCheck.invalid(VAT, "VAT number", vat,
                    "must start with its two-letter country prefix, e.g. BE0403170701 or FR40303265045");
        }
        // VIES and invoices use EL for Greece; ERPs often store the ISO code GR, which names the same register.
        String country = vat.startsWith("GR") ? "EL" : vat.substring(0, 2);
        String national = vat.substring(2);
        return switch (country) {
            case "BE" -> belgian(NumberRules.withBelgianLeadingZero(national));
            case "FR" -> french(national);
            case "NL" -> dutch(national);
            case "DE" -> german(national);
            case "LU" -> luxembourgish(national);
            case "ES" -> spanish(national);
            case "IT" -> italian(national);
            default -> formatOnly(country, national);
        };
    }

    /** The French VAT key is numeric for numbers built on a SIREN (and verifiable), alphanumeric otherwise. */
    static boolean hasNumericKey(String frenchVat) {
        return allDigits(frenchVat.substring(2, 4));
    }

    /** Monaco's companies get French VAT numbers whose nine digits start with 000 and are not a SIREN. */
    static boolean isMonegasque(String frenchVat) {
        return frenchVat.startsWith("000", 4);
    }

    private static IdentifierCheck belgian(String national) {
        return result("BE", national, NumberRules.belgianEnterpriseNumberProblem(national));
    }

    private static IdentifierCheck french(String national) {
        if (national.length() != 11) {
            return invalid("FR", national, "must be 2 key characters + the 9-digit SIREN after FR (found "
                    + national.length() + " characters)");
        }
        String key = national.substring(0, 2);
        String siren = national.substring(2);
        String sirenFormat = NumberRules.digitsProblem(siren, 9);
        if (sirenFormat != null) {
            return invalid("FR", national, "the last 9 characters (the SIREN) " + sirenFormat);
        }
        if (allDigits(key)) {
            String expected = twoDigits(CheckDigits.frenchVatKey(siren));
            if (!key.equals(expected)) {
                return invalid("FR", national, "key " + key + " does not match " + expected
                        + " computed from SIREN " + siren + " (12 + 3 × SIREN mod 97, mod 97)");
            }
            String sirenProblem = siren.startsWith("000") ? null : NumberRules.luhnProblem(siren);
            return sirenProblem == null ? IdentifierCheck.verified(VAT, "FR" + national)
                    : invalid("FR", national, "its SIREN " + siren + " is wrong: " + sirenProblem);
        }
        if (!FR_ALPHANUMERIC_KEY.matcher(key).matches()) {
            return invalid("FR", national, "key " + key + " may use digits and letters except I and O");
        }
        return IdentifierCheck.formatOnly(VAT, "FR VAT", "FR" + national, "alphanumeric key " + key
                + ": format checked only, the key of such numbers is not verified");
    }

    private static IdentifierCheck dutch(String national) {
        if (!NL_FORMAT.matcher(national).matches()) {
            return invalid("NL", national, "must be 9 digits + the letter B + 2 digits after NL, e.g. NL004495445B01");
        }
        String digits = national.substring(0, 9);
        boolean rsinNumber = !digits.equals("000000000") && CheckDigits.passesDutchElevenTest(digits)
                && !national.endsWith("B00");
        // Since 2020 sole traders get a btw-id unrelated to their BSN, valid when "NL" + number passes ISO 7064 MOD 97-10.
        boolean btwId = CheckDigits.mod97Remainder("NL" + national) == 1;
        return rsinNumber || btwId ? IdentifierCheck.verified(VAT, "NL" + national)
                : invalid("NL", national, "fails both the mod 11 test of the RSIN/BSN part and the mod 97 test"
                + " of btw-id numbers: a digit is probably wrong");
    }

    private static IdentifierCheck german(String national) {
        String problem = NumberRules.digitsProblem(national, 9);
        if (problem == null && national.charAt(0) == '0') {
            problem = "must not start with 0";
        }
        if (problem == null) {
            String expected = String.valueOf(CheckDigits.germanMod11_10(national.substring(0, 8)));
            problem = checkDigitsProblem(national.substring(8), expected, "ISO 7064 MOD 11,10");
        }
        return result("DE", national, problem);
    }

    private static IdentifierCheck luxembourgish(String national) {
        String problem = NumberRules.digitsProblem(national, 8);
        if (problem == null) {
            String expected = twoDigits(CheckDigits.luxembourgMod89(national.substring(0, 6)));
            problem = checkDigitsProblem(national.substring(6), expected, "first 6 digits mod 89");
        }
        return result("LU", national, problem);
    }

    private static IdentifierCheck italian(String national) {
        String problem = NumberRules.digitsProblem(national, 11);
        if (problem == null && national.startsWith("0000000")) {
            problem = "the company number (first 7 digits) cannot be 0000000";
        }
        if (problem == null && !isItalianOffice(Integer.parseInt(national.substring(7, 10)))) {
            problem = "digits 8 to 10 (" + national.substring(7, 10)
                    + ") are not a tax office code (001 to 100, 120, 121, 888 or 999)";
        }
        return result("IT", national, problem == null ? NumberRules.luhnProblem(national) : problem);
    }

    private static boolean isItalianOffice(int office) {
        return office >= 1 && office <= 100 || office == 120 || office == 121 || office == 888 || office == 999;
    }

    /**
     * Spain's NIF: a DNI (8 digits + letter), an NIE (X/Y/Z + 7 digits + letter, X/Y/Z counting as 0/1/2), a
     * K/L/M number (letter + 7 digits + DNI letter), or a CIF (entity letter + 7 digits + a Luhn digit written as
     * the digit or as a letter J, A … I; sources disagree on which entity types use which, so either is accepted).
     */
    private static IdentifierCheck spanish(String national) {
        String problem;
        if (ES_DNI.matcher(national).matches()) {
            problem = letterProblem(national, national.substring(0, 8), "DNI");
        } else if (ES_NIE_OR_KLM.matcher(national).matches()) {
            int xyz = "XYZ".indexOf(national.charAt(0));
            String number = (xyz >= 0 ? String.valueOf(xyz) : "") + national.substring(1, 8);
            problem = letterProblem(national, number, xyz >= 0 ? "NIE" : national.charAt(0) + " number");
        } else if (ES_CIF.matcher(national).matches()) {
            int digit = CheckDigits.luhnCheckDigit(national.substring(1, 8));
            char letter = CheckDigits.spanishCifLetter(digit);
            char found = national.charAt(8);
            problem = found == '0' + digit || found == letter ? null
                    : "check character " + found + " does not match " + digit + " or " + letter + " (CIF)";
        } else {
            problem = "must be 9 characters: 8 digits + a letter (DNI), X/Y/Z + 7 digits + a letter (NIE),"
                    + " or an entity letter + 7 digits + a check character (CIF)";
        }
        return result("ES", national, problem);
    }

    private static String letterProblem(String national, String number, String kind) {
        String expected = String.valueOf(CheckDigits.spanishIdLetter(number));
        String found = national.substring(8);
        return found.equals(expected) ? null
                : "check letter " + found + " does not match " + expected + " (" + kind + ", number mod 23)";
    }

    private static IdentifierCheck formatOnly(String country, String national) {
        String label = country + " VAT";
        Syntax syntax = VIES_SYNTAX.get(country);
        if (syntax != null) {
            return syntax.pattern().matcher(national).matches()
                    ? IdentifierCheck.formatOnly(VAT, label, country + national,
                    "check digits not verified for " + country + " (format checked against the VIES syntax only)")
                    : invalid(country, national, country + " VAT numbers are " + syntax.description()
                    + " after the prefix (VIES syntax)");
        }
        if (!ISO_COUNTRIES.contains(country)) {
            return invalid(country, national, country + " is not a country code");
        }
        return ANY_VAT_NUMBER.matcher(national).matches()
                ? IdentifierCheck.formatOnly(VAT, label, country + national, country
                + " is not an EU VAT prefix: only the general shape (2 to 12 letters or digits) was checked,"
                + " check digits not verified for " + country)
                : invalid(country, national, "must be 2 to 12 letters or digits after the country prefix");
    }

    private static IdentifierCheck result(String country, String national, String problem) {
        return problem == null ? IdentifierCheck.verified(VAT, country + national) : invalid(country, national, problem);
    }

    private static IdentifierCheck invalid(String country, String national, String problem) {
        return IdentifierCheck.invalid(VAT, country + " VAT", country + national, problem);
    }

    private record Syntax(Pattern pattern, String description) {
        Syntax(String regex, String description) {
            this(Pattern.compile(regex), description);
        }
    }
}
