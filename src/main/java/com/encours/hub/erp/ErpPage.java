package com.encours.hub.erp;

import java.util.List;

/**
 * One page read from an ERP: raw partner records of one type, each as its own JSON document so that a
 * malformed record can be quarantined alone.
 *
 * @param stream  the partner collection read, e.g. {@code salesInvoices}
 * @param type    what the records are, which decides the mapping used
 * @param records raw JSON of each record, as the partner sent it
 */
public record ErpPage(String stream, RecordType type, List<String> records) {

    public enum RecordType {
        /** Mapped with the descriptor's {@code debtor} mapping. */
        DEBTOR,
        /** Mapped with the descriptor's {@code openItem} mapping. */
        OPEN_ITEM
    }
}
