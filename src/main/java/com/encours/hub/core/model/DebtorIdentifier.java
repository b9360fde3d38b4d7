package com.encours.hub.core.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Locale;

/** One identifier of a debtor, stored normalised: upper case, no spaces, dots or dashes. */
public record DebtorIdentifier(@NotNull IdentifierScheme scheme,
                               @NotBlank @Size(max = 32) @Pattern(regexp = "[A-Z0-9]*") String value) {

    /** ERPs write "BE 0123.456.749" or "be0123456749"; the hub compares identifiers in one form. */
    public DebtorIdentifier {
        value = normalise(value);
    }

    public static String normalise(String raw) {
        return raw == null ? null : raw.replaceAll("[\\s.\\-/]", "").toUpperCase(Locale.ROOT);
    }
}
