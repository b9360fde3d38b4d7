package com.encours.hub.erp.drop;

import com.encours.hub.erp.VanishedItems;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Tells a snapshot that looks truncated (an export cut short, the wrong company, a filter left on) from
 * a real one before anything of it is applied: applying it would clear receivables that are still owed.
 */
final class SnapshotGuardrail {

    private SnapshotGuardrail() {
    }

    /**
     * @param vanished         the open items the ledger holds for this connector and company, and those the
     *                         file no longer holds open
     * @param lastAcceptedRows data lines of the last file imported, or null before the first
     * @return why the file must not be applied, or empty when it may
     */
    static Optional<String> refusal(DropSettings settings, long dataRows, VanishedItems.Vanished vanished,
                                    Long lastAcceptedRows) {
        Optional<String> tooMany = vanished.tooMany(settings.maxVanishedShare(), settings.company(), "this file");
        if (tooMany.isPresent()) {
            return tooMany.map(reason -> reason + "; nothing was applied");
        }
        if (lastAcceptedRows != null && BigDecimal.valueOf(dataRows)
                .compareTo(settings.minRowRatio().multiply(BigDecimal.valueOf(lastAcceptedRows))) < 0) {
            return Optional.of("the file has " + dataRows + " data lines, fewer than minRowRatio "
                    + settings.minRowRatio().stripTrailingZeros().toPlainString() + " of the " + lastAcceptedRows
                    + " of the last accepted file: it looks truncated; nothing was applied");
        }
        return Optional.empty();
    }
}
