package com.encours.hub.ops;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A failed message that does not say where it came from: resending it anywhere would be a guess. */
@ResponseStatus(HttpStatus.CONFLICT)
public class NotRetryableException extends RuntimeException {

    public NotRetryableException(String message) {
        super(message);
    }
}
