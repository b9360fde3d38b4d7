package com.encours.hub.erp.fec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** FEC files for the tests: a header and lines with sensible defaults, changed field by field. */
public final class FecFiles {

    public static final List<String> COLUMNS = List.of("JournalCode", "JournalLib", "EcritureNum", "EcritureDate",
            "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit",
            "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise");

    private FecFiles() {
    }

    /** The header, the lines, each ended by a line feed. */
    public static String file(String separator, List<Line> lines) {
        StringBuilder text = new StringBuilder(String.join(separator, COLUMNS)).append('\n');
        lines.forEach(line -> text.append(line.render(separator)).append('\n'));
        return text.toString();
    }

    public static String file(List<Line> lines) {
        return file("|", lines);
    }

    /** The 411 line of a sales entry: an invoice of {@code debit} to {@code customer}, not lettered. */
    public static Line invoice(String entry, String customer, String debit) {
        return new Line().set("JournalCode", "VE").set("JournalLib", "Ventes").set("EcritureNum", entry)
                .set("EcritureDate", "20261105").set("CompteNum", "411000").set("CompteLib", "Clients")
                .set("CompAuxNum", customer).set("CompAuxLib", "Client " + customer).set("PieceRef", "FA-" + entry)
                .set("PieceDate", "20261104").set("EcritureLib", "Facture " + entry).set("Debit", debit)
                .set("Credit", "0,00").set("EcritureLet", "").set("DateLet", "").set("ValidDate", "20261105")
                .set("Montantdevise", "").set("Idevise", "");
    }

    /** The revenue line of the same entry: not a receivable. */
    public static Line revenue(String entry, String credit) {
        return invoice(entry, "", "0,00").set("CompteNum", "706000").set("CompteLib", "Ventes de produits")
                .set("CompAuxLib", "").set("Credit", credit);
    }

    public static final class Line {

        private final Map<String, String> fields = new LinkedHashMap<>();

        public Line set(String column, String value) {
            if (!COLUMNS.contains(column)) {
                throw new IllegalArgumentException("no FEC column " + column);
            }
            fields.put(column, value);
            return this;
        }

        public String render(String separator) {
            return String.join(separator, COLUMNS.stream().map(c -> fields.getOrDefault(c, "")).toList());
        }
    }
}
