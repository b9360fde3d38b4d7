package com.encours.hub.erp;

import java.time.Duration;
import java.time.Instant;

/**
 * How far a running extract is, for the logs and the ops API.
 *
 * @param expectedRecords what the source announced it will hand over (a file's line count, an API's total
 *                        count), or null when the partner does not say
 * @param percent         records / expected, below 100 until the extract ends; null without an expected total
 * @param remaining       at the rate so far; null without an expected total
 */
public record ExtractProgress(String connectorId, Instant startedAt, long records, long pages, Long expectedRecords,
                              Integer percent, Duration remaining) {

    /** Counts of one running extract, updated page by page by the thread that runs it. */
    static final class Counter {

        private final String connectorId;
        private final Instant startedAt;
        private volatile long records;
        private volatile long pages;
        private volatile Long expected;
        private Instant lastLogged;

        Counter(String connectorId, Instant startedAt) {
            this.connectorId = connectorId;
            this.startedAt = startedAt;
        }

        void page(int recordsInPage) {
            records += recordsInPage;
            pages++;
        }

        void expect(long total) {
            expected = total;
        }

        /** True at most once per interval (the first time at the first page). */
        boolean logDue(Instant now, Duration interval) {
            if (lastLogged != null && Duration.between(lastLogged, now).compareTo(interval) < 0) {
                return false;
            }
            lastLogged = now;
            return true;
        }

        ExtractProgress at(Instant now) {
            long done = records;
            Long total = expected;
            if (total == null || total <= 0) {
                return new ExtractProgress(connectorId, startedAt, done, pages, total, null, null);
            }
            int percent = (int) Math.min(99, done * 100 / total);
            Duration elapsed = Duration.between(startedAt, now);
            Duration remaining = done == 0 ? null
                    : Duration.ofMillis(Math.max(0, elapsed.toMillis() * (total - done) / done));
            return new ExtractProgress(connectorId, startedAt, done, pages, total, percent, remaining);
        }
    }
}
