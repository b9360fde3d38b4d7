package com.encours.hub.core.model;

import com.encours.hub.core.Hashes;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** Id of a message carrying these changes: the same when a redelivered input re-emits them. */
    public static String messageId(List<LedgerChange> changes) {
        return "chg-" + Hashes.shortSha256(changes.stream()
                .map(change -> change.itemKey() + ":" + change.revision()).collect(Collectors.joining("|")));
    }
}
