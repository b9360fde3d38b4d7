package com.encours.hub.core.identity;

import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;

import static com.encours.hub.core.model.IdentifierScheme.BE_KBO;
import static com.encours.hub.core.model.IdentifierScheme.DUNS;
import static com.encours.hub.core.model.IdentifierScheme.FR_SIREN;
import static com.encours.hub.core.model.IdentifierScheme.FR_SIRET;
import static com.encours.hub.core.model.IdentifierScheme.LEI;
import static com.encours.hub.core.model.IdentifierScheme.NL_KVK;
import static com.encours.hub.core.model.IdentifierScheme.VAT;
import static org.assertj.core.api.Assertions.assertThat;

class IdentifierValidationTest {

    /*
     * Where a number is not a company's published one, its check digits are worked out in the comment above it.
     * Sources of the published ones: AB InBev's filed accounts (BE 0417.497.106), TotalEnergies on Wikipedia
     * (SIREN 542051180, FR59542051180), INSEE's SIRET example 732 829 320 00074, La Poste's head office SIRET
     * 356 000 000 00048, the LEIs of Wikipedia's "Legal Entity Identifier" article, business.gov.nl's btw-id example
     * NL000099998B57, and the examples of the python-stdnum documentation (NL, DE, LU, ES, IT).
     */
    @ParameterizedTest(name = "{0} \"{1}\" is valid as {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # 04031707 mod 97 = 96, 97 - 96 = 01; spaces, dots and lower case are cleaned up
            VAT      | be 0403.170.701        | BE0403170701
            # AB InBev: 04174971 mod 97 = 91, 97 - 91 = 06; the nine-digit form of before 2005 gets its leading 0
            VAT      | BE 417 497 106         | BE0417497106
            # SIREN 303265045 mod 97 = 74, (12 + 3 x 74) mod 97 = 234 mod 97 = 40
            VAT      | FR 40 303 265 045      | FR40303265045
            # TotalEnergies: 542051180 mod 97 = 48, (12 + 144) mod 97 = 59
            VAT      | FR59542051180          | FR59542051180
            # Monaco: 000123456 mod 97 = 72, (12 + 216) mod 97 = 34; its nine digits are not a SIREN, so no Luhn
            VAT      | FR34000123456          | FR34000123456
            # RSIN 004495445: 0x9+0x8+4x7+4x6+9x5+5x4+4x3+4x2 - 5 = 132 = 12 x 11
            VAT      | NL004495445B01         | NL004495445B01
            # btw-id of 2020 (fails the 11-test): "NL002455799B11" with N=23 L=21 B=11 is 1 mod 97
            VAT      | NL 002455799 B11       | NL002455799B11
            VAT      | nl000099998b57         | NL000099998B57
            # MOD 11,10 products over 1,3,6,6,9,5,9,7: 2,10,1,3,4,7,1,5; 11 - 5 = 6
            VAT      | DE 136 695 976         | DE136695976
            # 150274 mod 89 = 42 (89 x 1688 = 150232)
            VAT      | LU 150 274 42          | LU15027442
            # CIF A2801586: doubled odd digits 2,0,5,6 -> 4+0+1+3 = 8, even digits 8+1+8 = 17, 25 -> 10 - 5 = 5
            VAT      | ES A-28015865          | ESA28015865
            # CIF Q2826000: doubled 2,2,0,0 -> 8, even 8+6+0 = 14, 22 -> 8, written as the letter H ("JABCDEFGHI"[8])
            VAT      | ESQ2826000H            | ESQ2826000H
            # DNI 54362315 mod 23 = 21 -> K in TRWAGMYFPDXBNJZSQVHLCKE
            VAT      | ES54362315K            | ES54362315K
            # NIE X5253868 reads 05253868, mod 23 = 1 -> R
            VAT      | ES X-5253868-R         | ESX5253868R
            # Luhn over 0074311015: odd digits 0+7+3+1+1 = 12, doubled even 0,4,1,0,5 -> 0+8+2+0+1 = 11, 23 -> 7
            VAT      | IT 00743110157         | IT00743110157
            BE_KBO   | 403.170.701            | 0403170701
            BE_KBO   | BE 0417.497.106        | 0417497106
            # enterprise numbers starting with 1 exist since 2023: 10000000 mod 97 = 76, 97 - 76 = 21
            BE_KBO   | 1000.000.021           | 1000000021
            FR_SIREN | 542 051 180            | 542051180
            FR_SIRET | 732 829 320 00074      | 73282932000074
            # La Poste's head office passes Luhn
            FR_SIRET | 356 000 000 00048      | 35600000000048
            # a La Poste establishment: fails Luhn, but 3+5+6+4+9+8+3+7 = 45 is a multiple of 5
            FR_SIRET | 35600000049837         | 35600000049837
            LEI      | 5493000IBP32UQZ0KL24   | 5493000IBP32UQZ0KL24
            LEI      | 2138 00WS GIIZ CXF1 P572 | 213800WSGIIZCXF1P572
            LEI      | 54930084ukLVMY22DS16   | 54930084UKLVMY22DS16
            """)
    void validNumbersAreNormalisedAndVerified(IdentifierScheme scheme, String raw, String expected) {
        IdentifierCheck check = IdentifierValidation.check(scheme, raw);

        assertThat(check.message()).isNull();
        assertThat(check.valid()).isTrue();
        assertThat(check.checkDigitsVerified()).isTrue();
        assertThat(check.value()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} \"{1}\": {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            VAT    | FR K7 399859412 | FRK7399859412 | FR VAT FRK7399859412: alphanumeric key K7: format checked only, the key of such numbers is not verified
            VAT    | ATU13585627     | ATU13585627   | AT VAT ATU13585627: check digits not verified for AT (format checked against the VIES syntax only)
            VAT    | GR 094014201    | EL094014201   | EL VAT EL094014201: check digits not verified for EL (format checked against the VIES syntax only)
            VAT    | CHE-116.281.710 | CHE116281710  | CH VAT CHE116281710: CH is not an EU VAT prefix: only the general shape (2 to 12 letters or digits) was checked, check digits not verified for CH
            NL_KVK | 3301 4286       | 33014286      | NL KvK 33014286: the KvK number has no public check digit, format checked only
            DUNS   | 15-048-3782     | 150483782     | DUNS 150483782: D-U-N-S numbers have no public check digit, format checked only
            """)
    void formatOnlyNumbersAreValidAndSayWhatWasNotChecked(IdentifierScheme scheme, String raw, String expected,
                                                          String message) {
        IdentifierCheck check = IdentifierValidation.check(scheme, raw);

        assertThat(check.valid()).isTrue();
        assertThat(check.checkDigitsVerified()).isFalse();
        assertThat(check.value()).isEqualTo(expected);
        assertThat(check.message()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0} \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            VAT      | BE0403170702         | BE VAT BE0403170702: check digits 02 do not match 01 (mod 97)
            VAT      | BE2403170701         | BE VAT BE2403170701: must start with 0 or 1 (found 2)
            VAT      | BE04031707011        | BE VAT BE04031707011: must be 10 digits (found 11)
            VAT      | BE 04O3.170.701      | BE VAT BE04O3170701: must contain digits only, found 'O'
            VAT      | 0403170701           | VAT number 0403170701: must start with its two-letter country prefix, e.g. BE0403170701 or FR40303265045
            VAT      | BE0403170701 (HQ)    | VAT number BE0403170701(HQ): may contain only letters and digits, found '('
            VAT      | FR41303265045        | FR VAT FR41303265045: key 41 does not match 40 computed from SIREN 303265045 (12 + 3 × SIREN mod 97, mod 97)
            # the key 43 is right for 303265046, but that SIREN fails Luhn (30326504 -> 5)
            VAT      | FR43303265046        | FR VAT FR43303265046: its SIREN 303265046 is wrong: check digit 6 does not match 5 (Luhn)
            VAT      | FR4030326504         | FR VAT FR4030326504: must be 2 key characters + the 9-digit SIREN after FR (found 10 characters)
            VAT      | FR40303265O45        | FR VAT FR40303265O45: the last 9 characters (the SIREN) must contain digits only, found 'O'
            VAT      | FRIO334175221        | FR VAT FRIO334175221: key IO may use digits and letters except I and O
            VAT      | NL123456789B90       | NL VAT NL123456789B90: fails both the mod 11 test of the RSIN/BSN part and the mod 97 test of btw-id numbers: a digit is probably wrong
            VAT      | NL004495445A01       | NL VAT NL004495445A01: must be 9 digits + the letter B + 2 digits after NL, e.g. NL004495445B01
            VAT      | DE136695978          | DE VAT DE136695978: check digit 8 does not match 6 (ISO 7064 MOD 11,10)
            VAT      | DE036695976          | DE VAT DE036695976: must not start with 0
            VAT      | LU15027443           | LU VAT LU15027443: check digits 43 do not match 42 (first 6 digits mod 89)
            VAT      | ESA28015866          | ES VAT ESA28015866: check character 6 does not match 5 or E (CIF)
            VAT      | ES54362315X          | ES VAT ES54362315X: check letter X does not match K (DNI, number mod 23)
            VAT      | ESX5253868T          | ES VAT ESX5253868T: check letter T does not match R (NIE, number mod 23)
            VAT      | ESO1234567L          | ES VAT ESO1234567L: must be 9 characters: 8 digits + a letter (DNI), X/Y/Z + 7 digits + a letter (NIE), or an entity letter + 7 digits + a check character (CIF)
            VAT      | IT00743110158        | IT VAT IT00743110158: check digit 8 does not match 7 (Luhn)
            # passes Luhn (0074311123 -> 9) but 123 is no tax office
            VAT      | IT00743111239        | IT VAT IT00743111239: digits 8 to 10 (123) are not a tax office code (001 to 100, 120, 121, 888 or 999)
            VAT      | ATU1358562           | AT VAT ATU1358562: AT VAT numbers are 'U' + 8 digits after the prefix (VIES syntax)
            VAT      | XX123456             | XX VAT XX123456: XX is not a country code
            BE_KBO   | 0403.170.702         | BE KBO 0403170702: check digits 02 do not match 01 (mod 97)
            BE_KBO   | 40317070             | BE KBO 40317070: must be 10 digits (found 8)
            FR_SIREN | 542 051 181          | FR SIREN 542051181: check digit 1 does not match 0 (Luhn)
            FR_SIREN | 54205118             | FR SIREN 54205118: must be 9 digits (found 8)
            FR_SIRET | 73282932000075       | FR SIRET 73282932000075: check digit 5 does not match 4 (Luhn)
            # passes Luhn as a whole, but its SIREN 732829321 does not (73282932 -> 0)
            FR_SIRET | 73282932100072       | FR SIRET 73282932100072: its SIREN 732829321 is wrong: check digit 1 does not match 0 (Luhn)
            # fails Luhn, and its digits add up to 46
            FR_SIRET | 35600000049838       | FR SIRET 35600000049838: fails both the Luhn check and La Poste's rule (the 14 digits must add up to a multiple of 5)
            NL_KVK   | 3301428              | NL KvK 3301428: must be 8 digits (found 7)
            NL_KVK   | 3301428A             | NL KvK 3301428A: must contain digits only, found 'A'
            DUNS     | 15048378             | DUNS 15048378: must be 9 digits (found 8)
            LEI      | 5493000IBP32UQZ0KL25 | LEI 5493000IBP32UQZ0KL25: check digits 25 do not match 24 (ISO 7064 MOD 97-10)
            LEI      | 5493000IBP32UQZ0KL2  | LEI 5493000IBP32UQZ0KL2: must be 20 characters (found 19)
            LEI      | 5493000IBP32UQZ0KLAB | LEI 5493000IBP32UQZ0KLAB: must end with 2 check digits
            """)
    void invalidNumbersSayWhatIsWrong(IdentifierScheme scheme, String raw, String message) {
        IdentifierCheck check = IdentifierValidation.check(scheme, raw);

        assertThat(check.valid()).isFalse();
        assertThat(check.checkDigitsVerified()).isFalse();
        assertThat(check.message()).isEqualTo(message);
    }

    @ParameterizedTest
    @EnumSource(IdentifierScheme.class)
    void nullBlankOrOnlySeparatorsIsAnEmptyIdentifierNotAnException(IdentifierScheme scheme) {
        for (String raw : Arrays.asList(null, "", "   ", " . - / ", "\u00A0")) {
            IdentifierCheck check = IdentifierValidation.check(scheme, raw);

            assertThat(check.valid()).as("%s %s", scheme, raw).isFalse();
            assertThat(check.message()).as("%s %s", scheme, raw).endsWith(" is empty");
        }
    }

    @ParameterizedTest
    @EnumSource(IdentifierScheme.class)
    void garbageIsAnInvalidIdentifierNotAnException(IdentifierScheme scheme) {
        List<String> garbage = List.of("BE", "FR", "NL", "ES", "X", "\uD83D\uDE42", "0".repeat(200), "FRZZZZZZZZZZZ",
                "NLB", "ES\u00D11234567L", "LU1234567", "?", "EL", "DE1");
        for (String raw : garbage) {
            IdentifierCheck check = IdentifierValidation.check(scheme, raw);

            assertThat(check.valid()).as("%s %s", scheme, raw).isFalse();
            assertThat(check.message()).as("%s %s", scheme, raw).isNotBlank();
        }
    }

    @Test
    void spreadsheetSpacesAndTypographicDashesAreSeparatorsToo() {
        // Excel in French formats numbers with narrow no-break spaces, Word turns hyphens into en dashes, and text
        // copied from a web page can carry zero-width spaces.
        assertThat(IdentifierValidation.check(FR_SIREN, "542\u202F051\u202F180").value()).isEqualTo("542051180");
        assertThat(IdentifierValidation.check(VAT, "BE\u00A00417\u2013497\u2013106\u200B").value())
                .isEqualTo("BE0417497106");
        assertThat(IdentifierValidation.check(VAT, "BE0417497106\u0000").message())
                .isEqualTo("VAT number BE0417497106\u0000: may contain only letters and digits, found U+0000");
    }

    @Test
    void registrationNumberIsDerivedFromBelgianAndFrenchVatNumbersOnly() {
        assertThat(IdentifierValidation.registrationNumberFromVat("BE 417 497 106"))
                .contains(new DebtorIdentifier(BE_KBO, "0417497106"));
        assertThat(IdentifierValidation.registrationNumberFromVat("FR59542051180"))
                .contains(new DebtorIdentifier(FR_SIREN, "542051180"));
        assertThat(IdentifierValidation.registrationNumberFromVat("FR34000123456")).as("Monaco").isEmpty();
        assertThat(IdentifierValidation.registrationNumberFromVat("FRK7399859412")).as("alphanumeric key").isEmpty();
        assertThat(IdentifierValidation.registrationNumberFromVat("FR58542051180")).as("wrong key").isEmpty();
        assertThat(IdentifierValidation.registrationNumberFromVat("DE136695976")).isEmpty();
        assertThat(IdentifierValidation.registrationNumberFromVat(null)).isEmpty();
    }

    @Test
    void debtorWithConsistentIdentifiersHasNoProblemsEvenWhenSomeAreOnlyFormatChecked() {
        // SIRET 5420511800006 + Luhn digit: doubled from the right 6,0,0,1,5,2,5 -> 3+0+0+2+1+4+1 = 11, the others
        // 0+0+8+1+0+4 = 13, 24 -> 6
        Debtor debtor = debtor(id(VAT, "FR59542051180"), id(FR_SIREN, "542051180"), id(FR_SIRET, "54205118000066"),
                id(DUNS, "150483782"));

        assertThat(IdentifierValidation.problems(debtor)).isEmpty();
    }

    @Test
    void debtorProblemsListInvalidIdentifiersThenContradictions() {
        Debtor debtor = debtor(id(VAT, "BE0417497106"), id(BE_KBO, "0403170701"), id(LEI, "5493000IBP32UQZ0KL25"),
                id(FR_SIREN, "542051180"), id(FR_SIRET, "73282932000074"));

        assertThat(IdentifierValidation.problems(debtor)).containsExactly(
                "LEI 5493000IBP32UQZ0KL25: check digits 25 do not match 24 (ISO 7064 MOD 97-10)",
                "BE VAT BE0417497106 is built on BE KBO 0417497106, but the debtor's BE KBO is 0403170701:"
                        + " one of them is wrong",
                "FR SIRET 73282932000074 belongs to SIREN 732829320, but the debtor's FR SIREN is 542051180:"
                        + " one of them is wrong");
    }

    @Test
    void anIdentifierWithoutSchemeIsAProblemNotAnException() {
        assertThat(IdentifierValidation.problems(debtor(new DebtorIdentifier(null, "BE0417497106"))))
                .containsExactly("Identifier BE0417497106: has no scheme, so it cannot be checked");
    }

    @Test
    void anInvalidIdentifierIsNotAlsoReportedAsAContradiction() {
        Debtor debtor = debtor(id(VAT, "FR58542051180"), id(FR_SIREN, "732829320"));

        assertThat(IdentifierValidation.problems(debtor)).containsExactly("FR VAT FR58542051180: key 58 does not"
                + " match 59 computed from SIREN 542051180 (12 + 3 × SIREN mod 97, mod 97)");
    }

    @Test
    void registrationNumberPrefersTheDebtorsOwnThenItsVatThenItsSiret() {
        assertThat(IdentifierValidation.registrationNumber(debtor(id(VAT, "BE0417497106"), id(BE_KBO, "403170701"))))
                .contains(new DebtorIdentifier(BE_KBO, "0403170701"));
        assertThat(IdentifierValidation.registrationNumber(debtor(id(BE_KBO, "0403170702"), id(VAT, "BE0417497106"))))
                .as("an invalid KBO is skipped").contains(new DebtorIdentifier(BE_KBO, "0417497106"));
        assertThat(IdentifierValidation.registrationNumber(debtor(id(FR_SIRET, "73282932000074"))))
                .contains(new DebtorIdentifier(FR_SIREN, "732829320"));
        assertThat(IdentifierValidation.registrationNumber(debtor(id(VAT, "DE136695976"), id(DUNS, "150483782"))))
                .isEmpty();
    }

    @Test
    void aDebtorKeepsItsValidIdentifiersInStoredFormAndNamesTheWrongOneAsADataError() {
        // BE0403170701: 04031707 mod 97 = 96, 97 - 96 = 01, the check digits written; BE0403170702 is off by one
        Debtor checked = IdentifierValidation.checked(debtor(id(IdentifierScheme.VAT, "be 0403.170.701"),
                id(IdentifierScheme.BE_KBO, "0403.170.702")));

        assertThat(checked.identifiers()).containsExactly(id(IdentifierScheme.VAT, "BE0403170701"));
        assertThat(checked.dataErrors()).singleElement().asString().contains("0403170702").contains("check digits");
        assertThat(checked.name()).isEqualTo("Some customer");
    }

    @Test
    void aDebtorWithGoodIdentifiersHasNoDataErrors() {
        Debtor checked = IdentifierValidation.checked(debtor(id(IdentifierScheme.VAT, "BE0403170701"),
                id(IdentifierScheme.BE_KBO, "0403170701")));

        assertThat(checked.identifiers()).hasSize(2);
        assertThat(checked.dataErrors()).isEmpty();
    }

    private static DebtorIdentifier id(IdentifierScheme scheme, String value) {
        return new DebtorIdentifier(scheme, value);
    }

    private static Debtor debtor(DebtorIdentifier... identifiers) {
        return new Debtor(null, "sap", "1000", "C-1", "Some customer", null, List.of(identifiers), null, null, null,
                null, null, null, null, false, null);
    }
}
