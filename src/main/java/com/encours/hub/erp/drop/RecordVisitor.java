package com.encours.hub.erp.drop;

import java.util.function.Supplier;

/**
 * What a drop file's records are to the hub, in file order. A file is read twice (once to see what it
 * holds, once to hand it over), so each record is given as a supplier: the first read only needs the keys.
 */
public interface RecordVisitor {

    /** A customer record; the same {@code identity} given again is the same debtor, its first record wins. */
    void debtor(String identity, Supplier<String> record);

    /** A record of an item the file holds open, with the key that tells it from the file's other items. */
    void openItem(long number, String sourceItemKey, Supplier<String> record);

    /** A record that cannot be read as either: handed over as it is, for the mapping to refuse with its reason. */
    void malformed(long number, Supplier<String> record);
}
