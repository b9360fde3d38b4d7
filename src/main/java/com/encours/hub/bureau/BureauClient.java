package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;

/**
 * Fetches a debtor's solvency from one kind of credit bureau. One implementation per protocol (the
 * descriptor's {@code spec.protocol}). Called only by the enrichment flow, which decides whether a call
 * is needed at all (assessment cache, TTL, identifier changes).
 */
public interface BureauClient {

    /** The {@code spec.protocol} value of the descriptors this client implements. */
    String protocol();

    /**
     * Finds the debtor at the bureau (by VAT or registration number) and returns its assessment.
     * A company the bureau does not know, or does not rate, is an assessment too (score null), not an
     * error: the hub must not ask again before the TTL.
     *
     * @throws com.encours.hub.core.partner.PartnerException when the bureau cannot answer now (transient)
     *                                                       or refuses the request (not transient)
     */
    CreditAssessment assess(ConnectorInstance connector, Debtor debtor);
}
