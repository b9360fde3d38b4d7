package com.encours.hub.erp.drop;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one dropped file says is open, from a first read of the file: the source keys of its open items
 * (the only thing kept per item), its debtors and its counts. Nothing is handed over while it is built, so
 * the file can still be refused as a whole.
 */
final class Snapshot implements RecordVisitor {

    private final Set<String> presentKeys = new HashSet<>();
    private final Map<String, String> debtors = new LinkedHashMap<>();
    private long openItems;
    private long malformed;
    private long repeatedKeys;
    private long dataRows;

    @Override
    public void debtor(String identity, Supplier<String> record) {
        debtors.computeIfAbsent(identity, i -> record.get());
    }

    @Override
    public void openItem(long number, String sourceItemKey, Supplier<String> record) {
        openItems++;
        if (!presentKeys.add(sourceItemKey)) {
            repeatedKeys++;
        }
    }

    @Override
    public void malformed(long number, Supplier<String> record) {
        malformed++;
    }

    void dataRows(long rows) {
        dataRows = rows;
    }

    /** Data lines (or records) of the file, whatever they hold: the size the guardrail compares. */
    long dataRows() {
        return dataRows;
    }

    long openItems() {
        return openItems;
    }

    long malformed() {
        return malformed;
    }

    /** Open items whose key another item of the file already had (the later one wins in the ledger). */
    long repeatedKeys() {
        return repeatedKeys;
    }

    boolean holds(String sourceItemKey) {
        return presentKeys.contains(sourceItemKey);
    }

    /** Raw debtor records, one per debtor, in order of first appearance. */
    Collection<String> debtors() {
        return debtors.values();
    }
}
