package com.encours.hub.core.partner;

/**
 * A partner call failed. {@link #isTransient()} tells whether trying again later can help: the broker
 * redelivers the message for transient failures and quarantines it for the others.
 */
public class PartnerException extends RuntimeException {

    private final String connectorId;
    private final int status;
    private final boolean transientFailure;

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
}
