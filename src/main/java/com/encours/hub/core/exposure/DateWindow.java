package com.encours.hub.core.exposure;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** A run of days, both ends included. */
public record DateWindow(LocalDate first, LocalDate last) {

    public DateWindow {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("window ends " + last + " before it starts " + first);
        }
    }

    /** The {@code days} days that end on {@code last}, e.g. 365 days to 2026-11-24 start on 2025-11-25. */
    public static DateWindow lastDays(int days, LocalDate last) {
        if (days < 1) {
            throw new IllegalArgumentException("a window has at least one day, not " + days);
        }
        return new DateWindow(last.minusDays(days - 1L), last);
    }

    public boolean contains(LocalDate day) {
        return day != null && !day.isBefore(first) && !day.isAfter(last);
    }

    public long days() {
        return ChronoUnit.DAYS.between(first, last) + 1;
    }
}
