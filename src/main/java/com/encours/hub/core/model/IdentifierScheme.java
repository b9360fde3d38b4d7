package com.encours.hub.core.model;

/**
 * Company identifier schemes the hub understands. {@code com.encours.hub.core.identity.IdentifierValidation} says
 * which values are valid for each, and in which form the hub stores them.
 */
public enum IdentifierScheme {
    /**
     * EU VAT number with its country prefix, e.g. BE0123456749 (Greece: EL). Check digits are verified for BE, FR,
     * NL, DE, LU, ES and IT; other countries are checked for format only.
     */
    VAT,
    /** Belgian enterprise number (KBO/BCE), ten digits starting with 0 or 1, mod 97 check digits. */
    BE_KBO,
    /** French SIREN, nine digits, Luhn check digit. */
    FR_SIREN,
    /** French SIRET, fourteen digits (SIREN + establishment number), Luhn check digit (La Poste's use their own rule). */
    FR_SIRET,
    /** Dutch Chamber of Commerce number, eight digits; it has no public check digit, so only its format can be checked. */
    NL_KVK,
    /** Dun &amp; Bradstreet D-U-N-S number, nine digits; format only. */
    DUNS,
    /** Legal Entity Identifier (ISO 17442), twenty letters and digits ending in two ISO 7064 MOD 97-10 check digits. */
    LEI
}
