package com.encours.hub.core.partner;

/**
 * The partner refused our credentials (401/403). Never retried blindly: some partners lock the account
 * after a few failed logins. Ops fix the credentials and retry the message.
 */
public class PartnerAuthenticationException extends PartnerException {

    public PartnerAuthenticationException(String connectorId, int status, String message) {
        super(connectorId, status, false, message, null);
    }
}
