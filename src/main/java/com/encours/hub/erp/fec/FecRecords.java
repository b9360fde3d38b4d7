package com.encours.hub.erp.fec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/**
 * The raw records a FEC source hands over, one JSON object each, for the connector's mappings:
 * <ul>
 *   <li>an open-item line: {@code lineNumber}, {@code sourceItemKey} and the 18 columns by name, as written
 *       in the file (untrimmed, decimal comma, YYYYMMDD);</li>
 *   <li>a malformed line: {@code lineNumber}, {@code columnCount} and the {@code line} itself, which the
 *       mapping refuses with that reason;</li>
 *   <li>a debtor: {@code lineNumber} of its first line and its account columns.</li>
 * </ul>
 * (An item that vanished from the snapshot is handed over by the drop machinery, see SnapshotImport.)
 */
final class FecRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FecRecords() {
    }

    static String openItemLine(FecReader.Line line, String sourceItemKey) {
        ObjectNode record = JSON.createObjectNode();
        record.put("lineNumber", line.number());
        record.put("sourceItemKey", sourceItemKey);
        for (int i = 0; i < FecFormat.COLUMNS.size(); i++) {
            record.put(FecFormat.COLUMNS.get(i), line.field(i));
        }
        return write(record);
    }

    static String malformedLine(FecReader.Line line) {
        ObjectNode record = JSON.createObjectNode();
        record.put("lineNumber", line.number());
        record.put("columnCount", line.fields().size());
        if (line.cut()) {
            record.put("cutAtCharacters", FecReader.MAX_LINE_CHARS);
        }
        record.put("line", line.text());
        return write(record);
    }

    static String debtor(FecReader.Line line) {
        ObjectNode record = JSON.createObjectNode();
        record.put("lineNumber", line.number());
        for (int column : new int[]{FecFormat.COMPTE_NUM, FecFormat.COMPTE_LIB, FecFormat.COMP_AUX_NUM, FecFormat.COMP_AUX_LIB}) {
            record.put(FecFormat.COLUMNS.get(column), line.field(column));
        }
        return write(record);
    }

    /** Debtors are told apart by their general and auxiliary account: the mapping decides the reference. */
    static String debtorIdentity(FecReader.Line line) {
        return line.field(FecFormat.COMPTE_NUM).trim() + "|" + line.field(FecFormat.COMP_AUX_NUM).trim();
    }

    private static String write(ObjectNode record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings must serialise", e);
        }
    }

    /**
     * The natural key of a customer-account line, stable from one file to the next:
     * {@code JournalCode/EcritureNum/CompteNum/CompAuxNum}, with {@code #2}, {@code #3}… for the second and
     * later lines of one entry on the same account (an invoice due in instalments). Every customer-account
     * line, lettered or not, must be given in file order, so that an instalment being lettered does not
     * shift the key of the next one. Lines of one entry are contiguous in a FEC; only the current entry is
     * remembered.
     */
    static final class SourceItemKeys {

        private String entry;
        private final Map<String, Integer> seenInEntry = new HashMap<>();

        String next(FecReader.Line line) {
            String currentEntry = line.field(FecFormat.JOURNAL_CODE).trim() + "/" + line.field(FecFormat.ECRITURE_NUM).trim();
            if (!currentEntry.equals(entry)) {
                entry = currentEntry;
                seenInEntry.clear();
            }
            String key = currentEntry + "/" + line.field(FecFormat.COMPTE_NUM).trim() + "/"
                    + line.field(FecFormat.COMP_AUX_NUM).trim();
            int occurrence = seenInEntry.merge(key, 1, Integer::sum);
            return occurrence == 1 ? key : key + "#" + occurrence;
        }
    }
}
