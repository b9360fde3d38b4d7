package com.encours.hub.core.exposure;

import java.math.BigDecimal;

/**
 * Whether a change of exposure crossed a credit limit. A limit is exceeded when exposure is above it;
 * exposure equal to the limit is within it. Exposure and limit must be in the same currency.
 */
public enum LimitCrossing {
    /** Was within the limit, now above it: the moment to emit {@code limit.breached}. */
    BREACHED,
    /** Was above the limit, now within it again. */
    CLEARED,
    /** Same side of the limit as before. */
    NONE;

    /**
     * @param previousExposure exposure before the change; null when there was none yet (counts as 0)
     */
    public static LimitCrossing of(BigDecimal previousExposure, BigDecimal newExposure, BigDecimal limit) {
        boolean wasOver = previousExposure != null && previousExposure.compareTo(limit) > 0;
        boolean isOver = newExposure.compareTo(limit) > 0;
        return wasOver == isOver ? NONE : isOver ? BREACHED : CLEARED;
    }
}
