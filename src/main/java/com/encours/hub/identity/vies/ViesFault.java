package com.encours.hub.identity.vies;

import java.util.Arrays;
import java.util.Optional;

/**
 * The faultstrings VIES documents for checkVatService, and what each means for the hub: a busy or
 * unavailable VIES or member state is worth asking again later; the other faults will answer the same
 * until a person changes something (the VAT number, the requester, VIES's blocking).
 */
public enum ViesFault {

    INVALID_INPUT(Kind.REFUSED, "the country code is not a VIES member state or the VAT number is empty or "
            + "malformed; correct the debtor's VAT number"),
    INVALID_REQUESTER_INFO(Kind.REFUSED, "VIES does not accept the requester VAT number; correct the connector's "
            + "requesterCountryCode and requesterVatNumber"),
    VAT_BLOCKED(Kind.REFUSED, "VIES does not allow this VAT number to be checked"),
    IP_BLOCKED(Kind.REFUSED, "VIES blocks requests from the hub's address; ask TAXUD-VIESWEB@ec.europa.eu"),
    SERVICE_UNAVAILABLE(Kind.UNAVAILABLE, "VIES itself is unavailable"),
    MS_UNAVAILABLE(Kind.UNAVAILABLE, "the member state's service is not replying"),
    TIMEOUT(Kind.UNAVAILABLE, "the member state did not reply to VIES in time"),
    GLOBAL_MAX_CONCURRENT_REQ(Kind.BUSY, "VIES has reached its maximum of concurrent requests"),
    GLOBAL_MAX_CONCURRENT_REQ_TIME(Kind.BUSY, "VIES has reached its maximum of requests for the period"),
    MS_MAX_CONCURRENT_REQ(Kind.BUSY, "VIES has reached its maximum of concurrent requests to the member state"),
    MS_MAX_CONCURRENT_REQ_TIME(Kind.BUSY, "VIES has reached its maximum of requests to the member state for the period"),
    /** In older versions of the service's documentation. */
    SERVER_BUSY(Kind.BUSY, "VIES is busy");

    /** Whether and when to ask again. */
    public enum Kind {
        /** Too many requests now: ask again after the connector's {@code retryAfterWhenBusy}. */
        BUSY,
        /** VIES or the member state is down: ask again after {@code retryAfterWhenUnavailable}. */
        UNAVAILABLE,
        /** Asking again changes nothing. */
        REFUSED
    }

    private final Kind kind;
    private final String meaning;

    ViesFault(Kind kind, String meaning) {
        this.kind = kind;
        this.meaning = meaning;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind != Kind.REFUSED;
    }

    /** Whether the fault is about the number asked rather than VIES or the hub: VIES itself works. */
    public boolean isAboutTheNumber() {
        return this == INVALID_INPUT || this == VAT_BLOCKED;
    }

    /** What the fault means, in words ops can act on. */
    public String meaning() {
        return meaning;
    }

    /** The documented fault whose code is this faultstring, if it is one. */
    public static Optional<ViesFault> of(String faultString) {
        String code = faultString == null ? "" : faultString.strip();
        return Arrays.stream(values()).filter(fault -> fault.name().equals(code)).findFirst();
    }
}
