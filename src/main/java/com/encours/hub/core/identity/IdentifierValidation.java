package com.encours.hub.core.identity;

import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises and validates debtor identifiers, so that a debtor with a mistyped VAT or registration number is marked
 * with a data error an ops user can fix, instead of being searched at a bureau under a number that does not exist.
 * Nothing here throws for bad data: null, blank or garbage gives an invalid {@link IdentifierCheck} with the reason.
 *
 * <p>Rules per scheme:
 * <ul>
 *   <li>{@code VAT}: country prefix + national number; check digits verified for BE, FR (numeric key), NL, DE, LU,
 *       ES and IT, VIES syntax only for the other member states (GR is read as EL), general shape only for
 *       non-EU prefixes (see {@link VatNumbers}).</li>
 *   <li>{@code BE_KBO}: 10 digits starting with 0 or 1 (a 9-digit number gets its leading 0, a "BE" prefix is
 *       dropped), last two digits = 97 - (first eight mod 97).</li>
 *   <li>{@code FR_SIREN}: 9 digits, Luhn.</li>
 *   <li>{@code FR_SIRET}: 14 digits, Luhn over the SIRET and over its SIREN; La Poste's establishments (SIREN
 *       356000000) may instead have digits summing to a multiple of 5, as INSEE numbers them.</li>
 *   <li>{@code NL_KVK}: 8 digits; the KvK number has no public check digit, so only the format is checked.</li>
 *   <li>{@code DUNS}: 9 digits; format only (D&amp;B publishes no check digit).</li>
 *   <li>{@code LEI}: 18 letters or digits + 2 check digits, ISO 17442 (ISO 7064 MOD 97-10 leaves 1).</li>
 * </ul>
 */
public final class IdentifierValidation {

    /**
     * Separators beyond what {@link DebtorIdentifier#normalise} strips: Unicode spaces (no-break spaces of spreadsheet
     * exports), dashes (en dashes of word processors) and invisible format characters (zero-width spaces of web pages).
     */
    private static final Pattern UNICODE_SEPARATORS = Pattern.compile("[\\p{Z}\\p{Pd}\\p{Cf}]");
    private static final Pattern LEI_FORMAT = Pattern.compile("[A-Z0-9]{18}[0-9]{2}");
    private static final String LA_POSTE_SIREN = "356000000";

    private IdentifierValidation() {
    }

    /**
     * The canonical spelling of an identifier: no spaces, dots, dashes or slashes (Unicode ones included), upper
     * case. Scheme-specific completions (Belgian leading 0, GR to EL) are done by {@link #check}.
     */
    public static String normalise(String raw) {
        return raw == null ? null : DebtorIdentifier.normalise(UNICODE_SEPARATORS.matcher(raw).replaceAll(""));
    }

    public static IdentifierCheck check(DebtorIdentifier identifier) {
        return check(identifier.scheme(), identifier.value());
    }

    /** Normalises {@code raw} and checks it as a {@code scheme} identifier. */
    public static IdentifierCheck check(IdentifierScheme scheme, String raw) {
        String value = normalise(raw);
        if (scheme == null) {
            return IdentifierCheck.invalid(null, "Identifier", value, "has no scheme, so it cannot be checked");
        }
        if (value == null || value.isEmpty()) {
            return IdentifierCheck.missing(scheme, label(scheme), value);
        }
        return switch (scheme) {
            case VAT -> VatNumbers.check(value);
            case BE_KBO -> belgianEnterpriseNumber(value);
            case FR_SIREN -> result(scheme, value, sirenProblem(value));
            case FR_SIRET -> result(scheme, value, siretProblem(value));
            case NL_KVK -> formatOnly(scheme, value, 8, "the KvK number has no public check digit, format checked only");
            case DUNS -> formatOnly(scheme, value, 9, "D-U-N-S numbers have no public check digit, format checked only");
            case LEI -> result(scheme, value, leiProblem(value));
        };
    }

    /**
     * Every problem with the debtor's identifiers, in words an ops user can act on: invalid identifiers, then
     * identifiers that contradict each other (a Belgian VAT number that is not the debtor's KBO number, a SIRET that
     * belongs to another SIREN). Empty when there is nothing to fix. Identifiers whose check digits cannot be
     * verified are not problems.
     */
    public static List<String> problems(Debtor debtor) {
        return checkAll(debtor).problems();
    }

    /** The debtor's identifiers that pass their checks, and the problems of the others and between them. */
    private record Checks(List<IdentifierCheck> valid, List<String> problems) {
    }

    private static Checks checkAll(Debtor debtor) {
        List<String> problems = new ArrayList<>();
        List<IdentifierCheck> valid = new ArrayList<>();
        for (DebtorIdentifier identifier : identifiersOf(debtor)) {
            IdentifierCheck check = check(identifier);
            if (check.valid()) {
                valid.add(check);
            } else {
                problems.add(check.message());
            }
        }
        problems.addAll(contradictions(valid));
        return new Checks(valid, problems);
    }

    /**
     * The debtor with its valid identifiers in their stored form and its invalid ones left out, named in its
     * data errors with the identifiers that contradict each other: a wrong number must neither stop the
     * debtor nor be sent to a bureau.
     */
    public static Debtor checked(Debtor debtor) {
        Checks checks = checkAll(debtor);
        return debtor.withCheckedIdentifiers(checks.valid().stream().map(IdentifierCheck::toDebtorIdentifier).toList(),
                checks.problems());
    }

    /**
     * The registration number a valid VAT number embeds: a Belgian VAT number is BE + the KBO/BCE enterprise
     * number, a French one is FR + key + the SIREN (except for Monaco's companies, and numbers with an alphanumeric
     * key, which are not built on a SIREN). Empty for other countries and for invalid numbers.
     */
    public static Optional<DebtorIdentifier> registrationNumberFromVat(String vat) {
        IdentifierCheck check = check(IdentifierScheme.VAT, vat);
        if (!check.valid()) {
            return Optional.empty();
        }
        String value = check.value();
        if (value.startsWith("BE")) {
            return Optional.of(new DebtorIdentifier(IdentifierScheme.BE_KBO, value.substring(2)));
        }
        if (value.startsWith("FR") && VatNumbers.hasNumericKey(value) && !VatNumbers.isMonegasque(value)) {
            return Optional.of(new DebtorIdentifier(IdentifierScheme.FR_SIREN, value.substring(4)));
        }
        return Optional.empty();
    }

    /**
     * The national registration number bureaus search by: the debtor's own valid BE_KBO, FR_SIREN or NL_KVK if it
     * has one, else one derived from its VAT number, else the SIREN of a valid SIRET. Always in canonical form.
     */
    public static Optional<DebtorIdentifier> registrationNumber(Debtor debtor) {
        List<DebtorIdentifier> identifiers = identifiersOf(debtor);
        Optional<DebtorIdentifier> declared = identifiers.stream()
                .filter(id -> id.scheme() == IdentifierScheme.BE_KBO || id.scheme() == IdentifierScheme.FR_SIREN
                        || id.scheme() == IdentifierScheme.NL_KVK)
                .map(IdentifierValidation::check).filter(IdentifierCheck::valid)
                .map(IdentifierCheck::toDebtorIdentifier).findFirst();
        if (declared.isPresent()) {
            return declared;
        }
        Optional<DebtorIdentifier> fromVat = identifiers.stream().filter(id -> id.scheme() == IdentifierScheme.VAT)
                .map(id -> registrationNumberFromVat(id.value())).flatMap(Optional::stream).findFirst();
        if (fromVat.isPresent()) {
            return fromVat;
        }
        return identifiers.stream().filter(id -> id.scheme() == IdentifierScheme.FR_SIRET)
                .map(IdentifierValidation::check).filter(IdentifierCheck::valid)
                .map(siret -> new DebtorIdentifier(IdentifierScheme.FR_SIREN, siret.value().substring(0, 9)))
                .findFirst();
    }

    private static IdentifierCheck belgianEnterpriseNumber(String value) {
        // The enterprise number is often written as on invoices, "BE 0403.170.701".
        String digits = NumberRules.withBelgianLeadingZero(value.startsWith("BE") ? value.substring(2) : value);
        return result(IdentifierScheme.BE_KBO, digits, NumberRules.belgianEnterpriseNumberProblem(digits));
    }

    private static String sirenProblem(String siren) {
        String format = NumberRules.digitsProblem(siren, 9);
        return format != null ? format : NumberRules.luhnProblem(siren);
    }

    private static String siretProblem(String siret) {
        String format = NumberRules.digitsProblem(siret, 14);
        if (format != null) {
            return format;
        }
        String siren = siret.substring(0, 9);
        // All of La Poste's establishments share one SIREN, more than Luhn-valid establishment numbers can count:
        // INSEE's rule for theirs is that the 14 digits add up to a multiple of 5.
        if (siren.equals(LA_POSTE_SIREN)) {
            return CheckDigits.passesLuhn(siret) || CheckDigits.digitSum(siret) % 5 == 0 ? null
                    : "fails both the Luhn check and La Poste's rule (the 14 digits must add up to a multiple of 5)";
        }
        String sirenProblem = NumberRules.luhnProblem(siren);
        return sirenProblem != null ? "its SIREN " + siren + " is wrong: " + sirenProblem
                : NumberRules.luhnProblem(siret);
    }

    private static String leiProblem(String lei) {
        String charset = NumberRules.lettersAndDigitsProblem(lei);
        if (charset != null) {
            return charset;
        }
        if (lei.length() != 20) {
            return "must be 20 characters (found " + lei.length() + ")";
        }
        if (!LEI_FORMAT.matcher(lei).matches()) {
            return "must end with 2 check digits";
        }
        String expected = NumberRules.twoDigits(CheckDigits.mod97CheckDigits(lei.substring(0, 18)));
        return NumberRules.checkDigitsProblem(lei.substring(18), expected, "ISO 7064 MOD 97-10");
    }

    private static IdentifierCheck result(IdentifierScheme scheme, String value, String problem) {
        return problem == null ? IdentifierCheck.verified(scheme, value)
                : IdentifierCheck.invalid(scheme, label(scheme), value, problem);
    }

    private static IdentifierCheck formatOnly(IdentifierScheme scheme, String value, int digits, String unchecked) {
        String problem = NumberRules.digitsProblem(value, digits);
        return problem == null ? IdentifierCheck.formatOnly(scheme, label(scheme), value, unchecked)
                : IdentifierCheck.invalid(scheme, label(scheme), value, problem);
    }

    private static List<String> contradictions(List<IdentifierCheck> valid) {
        List<String> contradictions = new ArrayList<>();
        for (IdentifierCheck vat : ofScheme(valid, IdentifierScheme.VAT)) {
            registrationNumberFromVat(vat.value()).ifPresent(embedded -> {
                for (IdentifierCheck declared : ofScheme(valid, embedded.scheme())) {
                    if (!declared.value().equals(embedded.value())) {
                        contradictions.add(vat.value().substring(0, 2) + " VAT " + vat.value() + " is built on "
                                + label(embedded.scheme()) + " " + embedded.value() + ", but the debtor's "
                                + label(embedded.scheme()) + " is " + declared.value() + ": one of them is wrong");
                    }
                }
            });
        }
        for (IdentifierCheck siret : ofScheme(valid, IdentifierScheme.FR_SIRET)) {
            String sirenOfSiret = siret.value().substring(0, 9);
            for (IdentifierCheck siren : ofScheme(valid, IdentifierScheme.FR_SIREN)) {
                if (!siren.value().equals(sirenOfSiret)) {
                    contradictions.add("FR SIRET " + siret.value() + " belongs to SIREN " + sirenOfSiret
                            + ", but the debtor's FR SIREN is " + siren.value() + ": one of them is wrong");
                }
            }
        }
        return contradictions;
    }

    private static List<IdentifierCheck> ofScheme(List<IdentifierCheck> checks, IdentifierScheme scheme) {
        return checks.stream().filter(check -> check.scheme() == scheme).toList();
    }

    private static List<DebtorIdentifier> identifiersOf(Debtor debtor) {
        return debtor.identifiers() == null ? List.of()
                : debtor.identifiers().stream().filter(Objects::nonNull).toList();
    }

    private static String label(IdentifierScheme scheme) {
        return switch (scheme) {
            case VAT -> "VAT number";
            case BE_KBO -> "BE KBO";
            case FR_SIREN -> "FR SIREN";
            case FR_SIRET -> "FR SIRET";
            case NL_KVK -> "NL KvK";
            case DUNS -> "DUNS";
            case LEI -> "LEI";
        };
    }
}
