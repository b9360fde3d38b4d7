package com.encours.hub.core.partner;

import com.encours.hub.config.ConnectorDescriptor;

import java.time.Duration;

/**
 * How one partner call is retried inside the hub: attempts (first one included), exponential backoff
 * between 5xx/timeouts, and the longest Retry-After we are willing to wait in place. A longer wait is
 * handed back to the broker as a transient failure, so a thread is not held for minutes.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(60));

    public static RetryPolicy of(ConnectorDescriptor.Retry retry) {
        if (retry == null) {
            return DEFAULT;
        }
        return new RetryPolicy(
                retry.maxAttempts() > 0 ? retry.maxAttempts() : DEFAULT.maxAttempts,
                retry.initialBackoff() != null ? retry.initialBackoff() : DEFAULT.initialBackoff,
                retry.maxBackoff() != null ? retry.maxBackoff() : DEFAULT.maxBackoff,
                retry.maxRetryAfter() != null ? retry.maxRetryAfter() : DEFAULT.maxRetryAfter);
    }

    /** Backoff before attempt {@code attempt + 1}, doubling from the initial value up to the maximum. */
    public Duration backoffAfter(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
