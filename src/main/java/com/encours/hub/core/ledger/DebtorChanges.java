package com.encours.hub.core.ledger;

import java.util.Collection;

/**
 * Told by the ledger step, in the broker transaction that consumes its input, of debtors whose master record
 * changed in the ERP (a credit limit, a block, an identifier) with no item change: what depends on them must
 * not wait for their next invoice.
 */
public interface DebtorChanges {

    /** @param causeId the input's id: the same on redelivery */
    void changed(Collection<String> debtorKeys, String causeId);
}
