package com.encours.hub.core;

/**
 * A message that can never succeed as it is (malformed, invalid, unmappable). It goes to the
 * {@code invalid.*} quarantine of its address at once, with this message as the reason; no retries.
 */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String reason) {
        super(reason);
    }

    public InvalidMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
