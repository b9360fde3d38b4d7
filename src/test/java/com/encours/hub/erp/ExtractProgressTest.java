package com.encours.hub.erp;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ExtractProgressTest {

    private static final Instant START = Instant.parse("2026-12-03T08:00:00Z");

    @Test
    void aKnownTotalGivesThePercentageAndTheTimeLeftAtTheRateSoFar() {
        ExtractProgress.Counter counter = new ExtractProgress.Counter("fec-1", START);
        counter.expect(1_000_000);
        for (int page = 0; page < 250; page++) {
            counter.page(1_000);
        }

        ExtractProgress at = counter.at(START.plusSeconds(30));

        assertThat(at.records()).isEqualTo(250_000);
        assertThat(at.pages()).isEqualTo(250);
        assertThat(at.percent()).isEqualTo(25);
        assertThat(at.remaining()).as("750 000 more at 250 000 per 30 s").isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void withoutATotalOnlyCountsAreShownAndAFullCountStaysBelowAHundredUntilTheEnd() {
        ExtractProgress.Counter unknown = new ExtractProgress.Counter("bc-1", START);
        unknown.page(500);
        assertThat(unknown.at(START.plusSeconds(5)).percent()).isNull();
        assertThat(unknown.at(START.plusSeconds(5)).remaining()).isNull();

        ExtractProgress.Counter announcedTooFew = new ExtractProgress.Counter("fec-2", START);
        announcedTooFew.expect(100);
        announcedTooFew.page(120);
        assertThat(announcedTooFew.at(START.plusSeconds(1)).percent()).isEqualTo(99);
    }

    @Test
    void aProgressLineIsDueAtMostOncePerInterval() {
        ExtractProgress.Counter counter = new ExtractProgress.Counter("bc-1", START);
        Duration interval = Duration.ofSeconds(10);

        assertThat(counter.logDue(START, interval)).isTrue();
        assertThat(counter.logDue(START.plusSeconds(9), interval)).isFalse();
        assertThat(counter.logDue(START.plusSeconds(10), interval)).isTrue();
    }
}
