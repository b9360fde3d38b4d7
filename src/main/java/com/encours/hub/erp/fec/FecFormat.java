package com.encours.hub.erp.fec;

import com.encours.hub.erp.drop.DropFileRefusedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The layout of article A47 A-1 du LPF: a header line naming 18 columns in a fixed order, then one line
 * per accounting line, fields separated by a pipe or a tab (one separator for the whole file, no
 * quoting), dates YYYYMMDD, amounts with a decimal comma. Only the layout is checked here; what a field
 * holds is the mapping's business.
 */
final class FecFormat {

    static final List<String> COLUMNS = List.of("JournalCode", "JournalLib", "EcritureNum", "EcritureDate",
            "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit",
            "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise");

    static final int JOURNAL_CODE = 0;
    static final int ECRITURE_NUM = 2;
    static final int COMPTE_NUM = 4;
    static final int COMPTE_LIB = 5;
    static final int COMP_AUX_NUM = 6;
    static final int COMP_AUX_LIB = 7;
    static final int ECRITURE_LET = 13;

    enum Separator {
        PIPE('|'), TAB('\t');

        final char character;

        Separator(char character) {
            this.character = character;
        }
    }

    private FecFormat() {
    }

    /**
     * Checks the header line and returns the separator it uses.
     *
     * @param configured the connector's separator, or null to tell it from the header
     * @throws DropFileRefusedException when the header is missing, has the wrong number of columns or does
     *                                 not name the FEC columns in their order
     */
    static Separator checkHeader(String header, Separator configured) {
        if (header == null || header.isBlank()) {
            throw new DropFileRefusedException("no header: the file is empty, a FEC starts with a line naming its "
                    + COLUMNS.size() + " columns");
        }
        Separator separator = configured != null ? configured : detect(header);
        List<String> names = split(header, separator);
        if (names.size() != COLUMNS.size()) {
            throw new DropFileRefusedException("the header has " + names.size() + " columns separated by "
                    + separator.name().toLowerCase(Locale.ROOT) + ", " + COLUMNS.size() + " expected ("
                    + String.join(separator == Separator.PIPE ? "|" : " ", COLUMNS) + ")");
        }
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (!COLUMNS.get(i).equalsIgnoreCase(names.get(i).trim())) {
                throw new DropFileRefusedException("no header: column " + (i + 1) + " of the first line is '"
                        + abbreviate(names.get(i).trim()) + "', expected " + COLUMNS.get(i));
            }
        }
        return separator;
    }

    /** The separator the header uses most; a header with neither is no FEC header. */
    private static Separator detect(String header) {
        long pipes = header.chars().filter(c -> c == '|').count();
        long tabs = header.chars().filter(c -> c == '\t').count();
        if (pipes == 0 && tabs == 0) {
            throw new DropFileRefusedException("no header: the first line holds neither | nor tab separators");
        }
        return pipes >= tabs ? Separator.PIPE : Separator.TAB;
    }

    /**
     * The fields of a line. Some exports end every line with a separator: one empty field beyond the 18
     * columns is dropped.
     */
    static List<String> split(String line, Separator separator) {
        List<String> fields = new ArrayList<>(COLUMNS.size() + 1);
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == separator.character) {
                fields.add(line.substring(start, i));
                start = i + 1;
            }
        }
        fields.add(line.substring(start));
        if (fields.size() == COLUMNS.size() + 1 && fields.get(COLUMNS.size()).isEmpty()) {
            fields.remove(COLUMNS.size());
        }
        return fields;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
