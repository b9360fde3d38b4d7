package com.encours.hub.core.broker;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RedeliveryBackoffTest {

    @Test
    void theWaitTriplesUpToItsMaximumAndThereIsNoneAfterTheLastAttempt() {
        RedeliveryBackoff backoff = new RedeliveryBackoff(6, 2_000, 60_000);

        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(6));
        assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(18));
        assertThat(backoff.delayAfter(4)).isEqualTo(Duration.ofSeconds(54));
        assertThat(backoff.delayAfter(5)).as("capped").isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delayAfter(6)).as("the last attempt goes to the DLQ at once").isZero();
    }
}
