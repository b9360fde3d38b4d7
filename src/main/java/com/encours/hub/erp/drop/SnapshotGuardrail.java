package com.encours.hub.erp.drop;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Tells a snapshot that looks truncated (an export cut short, the wrong company, a filter left on) from
 * a real one before anything of it is applied: applying it would clear receivables that are still owed.
 */
final class SnapshotGuardrail {

    private SnapshotGuardrail() {
    }

    /**
     * @param ledgerOpen          open items the ledger holds for this connector's source and company
     * @param vanished            how many of them the file no longer holds open
     * @param lastAcceptedRows    data lines of the last file imported, or null before the first
     * @return why the file must not be applied, or empty when it may
     */
    static Optional<String> refusal(DropSettings settings, long dataRows, long ledgerOpen, long vanished,
                                    Long lastAcceptedRows) {
        if (ledgerOpen > 0) {
            BigDecimal share = BigDecimal.valueOf(vanished).divide(BigDecimal.valueOf(ledgerOpen), 4, RoundingMode.HALF_UP);
            if (share.compareTo(settings.maxVanishedShare()) > 0) {
                return Optional.of(vanished + " of the " + ledgerOpen + " open items the hub holds for " + settings.company()
                        + " are absent from this file (" + percent(share) + "), more than maxVanishedShare "
                        + percent(settings.maxVanishedShare()) + ": the file looks truncated; nothing was applied");
            }
        }
        if (lastAcceptedRows != null && BigDecimal.valueOf(dataRows)
                .compareTo(settings.minRowRatio().multiply(BigDecimal.valueOf(lastAcceptedRows))) < 0) {
            return Optional.of("the file has " + dataRows + " data lines, fewer than minRowRatio "
                    + settings.minRowRatio().stripTrailingZeros().toPlainString() + " of the " + lastAcceptedRows
                    + " of the last accepted file: it looks truncated; nothing was applied");
        }
        return Optional.empty();
    }

    private static String percent(BigDecimal share) {
        return share.movePointRight(2).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " %";
    }
}
