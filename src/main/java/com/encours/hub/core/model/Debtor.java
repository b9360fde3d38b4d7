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
 *
 * @param dataErrors what is wrong with the ERP's data that the hub could not use, e.g. an identifier whose
 *                   check digits do not match (left out of {@code identifiers}): for the ERP's owners to fix;
 *                   the debtor itself is kept
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
        Instant sourceLastModified,
        @NotNull List<@Size(max = 512) String> dataErrors) {

    public Debtor {
        dataErrors = dataErrors == null ? List.of() : List.copyOf(dataErrors);
    }

    /** A debtor without data errors, as mappings and tests build one. */
    public Debtor(String hubId, String sourceSystem, String company, String debtorRef, String name, String country,
                  List<DebtorIdentifier> identifiers, Address address, String email, String phone, String customerType,
                  String paymentTerms, BigDecimal internalCreditLimit, Currency currency, boolean blocked,
                  Instant sourceLastModified) {
        this(hubId, sourceSystem, company, debtorRef, name, country, identifiers, address, email, phone, customerType,
                paymentTerms, internalCreditLimit, currency, blocked, sourceLastModified, List.of());
    }

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
                customerType, paymentTerms, internalCreditLimit, currency, blocked, sourceLastModified, dataErrors);
    }

    /** The same debtor with only the identifiers the hub can use, and what was wrong with the others. */
    public Debtor withCheckedIdentifiers(List<DebtorIdentifier> usable, List<String> errors) {
        return new Debtor(hubId, sourceSystem, company, debtorRef, name, country, usable, address, email, phone,
                customerType, paymentTerms, internalCreditLimit, currency, blocked, sourceLastModified, errors);
    }
}
