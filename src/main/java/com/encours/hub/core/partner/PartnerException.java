package com.encours.hub.core.partner;

import java.time.Duration;
import java.util.Optional;

/**
 * A partner call failed. {@link #isTransient()} tells whether trying again later can help: the broker
 * redelivers the message for transient failures and quarantines it for the others.
 */
public class PartnerException extends RuntimeException {

    private final String connectorId;
    private final int status;
    private final boolean transientFailure;
    private Duration retryAfter;

    public PartnerException(String connectorId, int status, boolean transientFailure, String message, Throwable cause) {
        super(connectorId + ": " + message, cause);
        this.connectorId = connectorId;
        this.status = status;
        this.transientFailure = transientFailure;
    }

    public String connectorId() {
        return connectorId;
    }

    /** HTTP status, or 0 when the partner could not be reached. */
    public int status() {
        return status;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** The partner asked not to be called again before this much time (HTTP 429 Retry-After). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    PartnerException withRetryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }
}
