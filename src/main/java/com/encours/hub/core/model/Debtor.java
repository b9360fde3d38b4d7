package com.encours.hub.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.List;

/**
 * A customer who owes money, as the ERP describes it. The hub gives it a stable id ({@code hubId})
 * when it first sees it; everything else comes from the ERP.
 */
public record Debtor(
        String hubId,
        @NotBlank @Size(max = 64) String sourceSystem,
        @NotBlank @Size(max = 64) String company,
        @NotBlank @Size(max = 64) String debtorRef,
        @NotBlank @Size(max = 256) String name,
        @Pattern(regexp = "[A-Z]{2}") String country,
        @NotNull List<@Valid DebtorIdentifier> identifiers,
        @Valid Address address,
        @Email @Size(max = 256) String email,
        @Size(max = 64) String phone,
        @Size(max = 32) String customerType,
        @Size(max = 32) String paymentTerms,
        @PositiveOrZero @Digits(integer = 15, fraction = 4) BigDecimal internalCreditLimit,
        Currency currency,
        boolean blocked,
        Instant sourceLastModified) {

    @JsonIgnore
    public String debtorKey() {
        return DebtorKey.of(sourceSystem, company, debtorRef);
    }

    public String identifier(IdentifierScheme scheme) {
        return identifiers.stream().filter(id -> id.scheme() == scheme).map(DebtorIdentifier::value)
                .findFirst().orElse(null);
    }

    public Debtor withHubId(String id) {
        return new Debtor(id, sourceSystem, company, debtorRef, name, country, identifiers, address, email, phone,
                customerType, paymentTerms, internalCreditLimit, currency, blocked, sourceLastModified);
    }
}
