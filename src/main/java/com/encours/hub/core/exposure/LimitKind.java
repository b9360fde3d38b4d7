package com.encours.hub.core.exposure;

/** Who set a credit limit. */
public enum LimitKind {
    /** The company's own limit, from the ERP's debtor record. */
    INTERNAL,
    /** The bureau's recommended limit. */
    BUREAU,
    /** The credit insurer's cover on the debtor. */
    INSURED
}
