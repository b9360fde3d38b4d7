package com.encours.hub.core.identity;

/**
 * Rules shared by several schemes (a Belgian VAT number is the enterprise number, a French VAT number embeds the
 * SIREN). Each returns the problem in words, or null when the value passes.
 */
final class NumberRules {

    private NumberRules() {
    }

    /** Null when {@code value} is exactly {@code length} ASCII digits; otherwise which of the two it is not. */
    static String digitsProblem(String value, int length) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return "must contain digits only, found " + describe(c);
            }
        }
        return value.length() == length ? null : "must be " + length + " digits (found " + value.length() + ")";
    }

    /** Null when {@code value} holds only ASCII digits and upper-case letters (what normalisation leaves valid). */
    static String lettersAndDigitsProblem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAsciiDigit(c) && (c < 'A' || c > 'Z')) {
                return "may contain only letters and digits, found " + describe(c);
            }
        }
        return null;
    }

    /** Belgian numbers lost their leading 0 when they grew from nine to ten digits in 2005; many ERPs kept nine. */
    static String withBelgianLeadingZero(String digits) {
        return digits.length() == 9 && digitsProblem(digits, 9) == null ? "0" + digits : digits;
    }

    /** A Belgian enterprise number: 10 digits, first 0 or 1, last two = 97 - (first eight mod 97). */
    static String belgianEnterpriseNumberProblem(String digits) {
        String format = digitsProblem(digits, 10);
        if (format != null) {
            return format;
        }
        if (digits.charAt(0) != '0' && digits.charAt(0) != '1') {
            return "must start with 0 or 1 (found " + digits.charAt(0) + ")";
        }
        int expected = CheckDigits.belgianMod97(digits.substring(0, 8));
        return checkDigitsProblem(digits.substring(8), twoDigits(expected), "mod 97");
    }

    /** Null when the last digit of {@code digits} is its Luhn check digit. */
    static String luhnProblem(String digits) {
        int last = digits.length() - 1;
        int expected = CheckDigits.luhnCheckDigit(digits.substring(0, last));
        return checkDigitsProblem(digits.substring(last), String.valueOf(expected), "Luhn");
    }

    static String checkDigitsProblem(String found, String expected, String algorithm) {
        if (found.equals(expected)) {
            return null;
        }
        String what = found.length() == 1 ? "check digit " : "check digits ";
        return what + found + " do" + (found.length() == 1 ? "es" : "") + " not match " + expected
                + " (" + algorithm + ")";
    }

    static String twoDigits(int value) {
        return value < 10 ? "0" + value : String.valueOf(value);
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean allDigits(String value) {
        return !value.isEmpty() && value.chars().allMatch(c -> isAsciiDigit((char) c));
    }

    /** A character as an ops user can see it, even when it is invisible in the ERP screen. */
    static String describe(char c) {
        return c > ' ' && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
