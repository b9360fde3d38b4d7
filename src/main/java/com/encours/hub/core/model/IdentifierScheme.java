package com.encours.hub.core.model;

/** Company identifier schemes the hub understands. */
public enum IdentifierScheme {
    /** EU VAT number with its country prefix, e.g. BE0123456749. */
    VAT,
    /** Belgian enterprise number (KBO/BCE), ten digits. */
    BE_KBO,
    /** French SIREN, nine digits. */
    FR_SIREN,
    /** French SIRET, fourteen digits. */
    FR_SIRET,
    /** Dutch Chamber of Commerce number, eight digits. */
    NL_KVK,
    DUNS,
    LEI
}
