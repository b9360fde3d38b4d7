package com.encours.hub.erp.fec;

/**
 * A FEC file that must not be applied at all (no header, wrong columns, a snapshot that looks
 * truncated). The message is the reason ops read in the error directory and the connector status.
 */
public class FecFileRefusedException extends RuntimeException {

    public FecFileRefusedException(String reason) {
        super(reason);
    }
}
