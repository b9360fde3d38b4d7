package com.encours.hub.erp.drop;

/**
 * A dropped file that must not be applied at all (no header, missing columns, a trailer count that does
 * not match, XML that is not well-formed, a snapshot that looks truncated). The message is the reason ops
 * read in the error directory and the connector status.
 */
public class DropFileRefusedException extends RuntimeException {

    public DropFileRefusedException(String reason) {
        super(reason);
    }
}
