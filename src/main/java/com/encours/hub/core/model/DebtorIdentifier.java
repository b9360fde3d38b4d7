package com.encours.hub.core.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.Locale;

/** One identifier of a debtor, stored normalised: upper case, no spaces, dots or dashes. */
public record DebtorIdentifier(@NotNull IdentifierScheme scheme, @NotBlank @Size(max = 32) String value) {

    public static DebtorIdentifier of(IdentifierScheme scheme, String raw) {
        return new DebtorIdentifier(scheme, normalise(raw));
    }

    public static String normalise(String raw) {
        return raw == null ? null : raw.replaceAll("[\\s.\\-/]", "").toUpperCase(Locale.ROOT);
    }
}
