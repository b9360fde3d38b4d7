package com.encours.hub.core.model;

import java.time.Instant;
import java.util.Set;

/**
 * Emitted by the ledger when an open item changed. {@code revision} counts changes of this item in the
 * ledger, so (itemKey, revision) identifies the event even if an item returns to an earlier content.
 */
public record LedgerChange(
        String itemKey,
        String debtorKey,
        long revision,
        Set<ChangeKind> changes,
        String previousVersion,
        OpenItem item,
        Instant recordedAt) {
}
