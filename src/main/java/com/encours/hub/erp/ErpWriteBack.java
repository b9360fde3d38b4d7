package com.encours.hub.erp;

import com.encours.hub.config.ConnectorInstance;

import java.math.BigDecimal;

/**
 * What an ERP protocol takes back from the hub's credit decisions (see {@link ErpWriteBacks}). Each call sets a
 * value, so doing it twice does no harm; a customer the ERP does not know, or a refusal for good, is a
 * non-transient {@link com.encours.hub.core.partner.PartnerException}.
 */
public interface ErpWriteBack {

    /** The connector protocol this writes to, as in the descriptor's {@code spec.protocol}. */
    String protocol();

    /**
     * Sets the customer's credit limit, an amount in the connector's local currency.
     *
     * @return false when the ERP had that limit already (nothing written)
     */
    boolean setCreditLimit(ConnectorInstance connector, String customerNumber, BigDecimal limit);

    /**
     * Blocks the customer as the connector's {@code writeBackBlocked} says; a customer blocked already is left as
     * it is (its block may be stricter).
     *
     * @return false when the customer was blocked already (nothing written)
     */
    boolean block(ConnectorInstance connector, String customerNumber);
}
