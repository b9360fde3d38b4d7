package com.encours.hub.identity.vies;

import com.encours.hub.core.partner.PartnerException;

import java.time.Duration;
import java.util.Optional;

/**
 * A VAT number check that did not get an answer: a VIES fault ({@link #fault()}), a number refused before
 * asking (fault INVALID_INPUT), VIES unreachable, or an answer that is not a checkVat answer. Transient
 * failures say how long to wait before the next try ({@link #retryAfter()}).
 */
public class ViesException extends PartnerException {

    private final ViesFault fault;
    private final Duration retryAfter;

    /**
     * @param status     HTTP status of VIES's answer, 0 when none came (or VIES was not asked)
     * @param retryAfter when transient, the wait before asking again; null otherwise
     */
    ViesException(String connectorId, int status, ViesFault fault, String message, Duration retryAfter, Throwable cause) {
        super(connectorId, status, retryAfter != null, message, cause);
        this.fault = fault;
        this.retryAfter = retryAfter;
    }

    /** The documented VIES fault, when it was one. */
    public Optional<ViesFault> fault() {
        return Optional.ofNullable(fault);
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
