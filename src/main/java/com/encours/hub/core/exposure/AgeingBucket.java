package com.encours.hub.core.exposure;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Where an amount falls in an aged balance, by days past its due date on the day of the calculation. An
 * item due today is not yet late: "échu" means the due date has passed.
 */
public enum AgeingBucket {
    NOT_DUE,
    DAYS_1_TO_30,
    DAYS_31_TO_60,
    DAYS_61_TO_90,
    OVER_90;

    public static AgeingBucket of(LocalDate dueDate, LocalDate asOf) {
        long daysPastDue = ChronoUnit.DAYS.between(dueDate, asOf);
        if (daysPastDue <= 0) {
            return NOT_DUE;
        }
        return daysPastDue <= 30 ? DAYS_1_TO_30 : daysPastDue <= 60 ? DAYS_31_TO_60
                : daysPastDue <= 90 ? DAYS_61_TO_90 : OVER_90;
    }

    public boolean isOverdue() {
        return this != NOT_DUE;
    }
}
