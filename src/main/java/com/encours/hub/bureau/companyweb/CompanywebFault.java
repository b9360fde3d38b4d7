package com.encours.hub.bureau.companyweb;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SOAP faultstrings of the Companyweb B2B service the hub tells apart, and whether asking again helps.
 * The codes are reconstructed (see companywebB2B.wsdl): any other fault is reported as not transient with
 * Companyweb's text, so that an unknown refusal is never retried blindly.
 */
enum CompanywebFault {

    /** Login, password or daily hash refused. Not retried: repeated refusals may block the account. */
    AUTHENTICATION_FAILED(false, "Companyweb refused the login, password or daily hash; check the connector's "
            + "loginId and password (the hash is computed from them and today's Brussels date)"),
    /** The number asked is not an enterprise number. */
    INVALID_VAT_NUMBER(false, "Companyweb refused the enterprise number as malformed; correct the debtor's number"),
    /** The contract's query allowance is used up until Companyweb renews it. */
    QUOTA_EXCEEDED(true, "the contract's query allowance at Companyweb is used up"),
    SERVICE_UNAVAILABLE(true, "Companyweb's service is unavailable");

    private final boolean transientFault;
    private final String meaning;

    CompanywebFault(boolean transientFault, String meaning) {
        this.transientFault = transientFault;
        this.meaning = meaning;
    }

    boolean isTransient() {
        return transientFault;
    }

    String meaning() {
        return meaning;
    }

    static Optional<CompanywebFault> of(String faultString) {
        String code = faultString == null ? "" : faultString.strip();
        return Arrays.stream(values()).filter(fault -> fault.name().equals(code)).findFirst();
    }
}
