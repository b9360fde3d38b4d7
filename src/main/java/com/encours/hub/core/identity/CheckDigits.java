package com.encours.hub.core.identity;

/**
 * The check-digit algorithms behind company identifiers. Each method takes an already format-checked string
 * (ASCII digits, or upper-case letters where said) and returns the check value it should carry, so that a
 * problem text can say what was expected. Numbers are reduced digit by digit: an LEI or a Dutch btw-id does
 * not fit in a {@code long} once its letters are expanded.
 */
final class CheckDigits {

    private static final String SPANISH_ID_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

    private CheckDigits() {
    }

    /** Belgian enterprise / VAT number: 97 minus the first eight digits modulo 97 (97 when they divide by 97). */
    static int belgianMod97(String firstEightDigits) {
        return 97 - (int) (Long.parseLong(firstEightDigits) % 97);
    }

    /** French VAT key: (12 + 3 × (SIREN mod 97)) mod 97, i.e. the SIREN followed by "12", modulo 97. */
    static int frenchVatKey(String siren) {
        return (int) ((12 + 3 * (Long.parseLong(siren) % 97)) % 97);
    }

    /** The digit that makes {@code payload} + digit pass the Luhn test (every second digit from the right doubled). */
    static int luhnCheckDigit(String payload) {
        int sum = 0;
        boolean doubled = true;
        for (int i = payload.length() - 1; i >= 0; i--) {
            int digit = payload.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10;
    }

    static boolean passesLuhn(String digits) {
        int last = digits.length() - 1;
        return luhnCheckDigit(digits.substring(0, last)) == digits.charAt(last) - '0';
    }

    static int digitSum(String digits) {
        return digits.chars().map(c -> c - '0').sum();
    }

    /**
     * ISO 7064 MOD 97-10 remainder of a string of digits and upper-case letters, letters read as two-digit
     * numbers (A = 10 … Z = 35) as for an IBAN or an LEI. A valid code leaves 1.
     */
    static int mod97Remainder(String digitsAndLetters) {
        int remainder = 0;
        for (int i = 0; i < digitsAndLetters.length(); i++) {
            int value = Character.digit(digitsAndLetters.charAt(i), 36);
            remainder = (remainder * (value > 9 ? 100 : 10) + value) % 97;
        }
        return remainder;
    }

    /** The two check digits ISO 7064 MOD 97-10 appends to {@code payload} (98 minus the remainder of payload + "00"). */
    static int mod97CheckDigits(String payload) {
        return 98 - mod97Remainder(payload + "00");
    }

    /** German USt-IdNr: ISO 7064 MOD 11,10 over the first eight digits, as the 1993 ZMDV annex 3 spells it out. */
    static int germanMod11_10(String firstEightDigits) {
        int product = 10;
        for (int i = 0; i < firstEightDigits.length(); i++) {
            int sum = (firstEightDigits.charAt(i) - '0' + product) % 10;
            product = (2 * (sum == 0 ? 10 : sum)) % 11;
        }
        int check = 11 - product;
        return check == 10 ? 0 : check;
    }

    /**
     * Dutch "elfproef" of a RSIN/BSN: digits weighted 9 down to 2, the ninth digit weighted -1; the total must
     * divide by 11.
     */
    static boolean passesDutchElevenTest(String nineDigits) {
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (9 - i) * (nineDigits.charAt(i) - '0');
        }
        sum -= nineDigits.charAt(8) - '0';
        return sum % 11 == 0;
    }

    /** Luxembourg TVA: the first six digits modulo 89. */
    static int luxembourgMod89(String firstSixDigits) {
        return Integer.parseInt(firstSixDigits) % 89;
    }

    /** Spanish DNI/NIE control letter: the number modulo 23 read in the official letter table. */
    static char spanishIdLetter(String digits) {
        return SPANISH_ID_LETTERS.charAt((int) (Long.parseLong(digits) % 23));
    }

    /** Spanish CIF control: a Luhn digit over the seven digits, written either as that digit or as a letter J, A … I. */
    static char spanishCifLetter(int cifDigit) {
        return "JABCDEFGHI".charAt(cifDigit);
    }
}
