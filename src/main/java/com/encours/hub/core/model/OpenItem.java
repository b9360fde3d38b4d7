package com.encours.hub.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;

/**
 * A receivable as the ERP sees it, in canonical form. The natural key is
 * (sourceSystem, company, sourceItemKey); {@code version} is a hash of the business fields,
 * computed by the hub ({@link OpenItemVersion}), so that an unchanged item is recognised.
 */
public record OpenItem(
        @NotBlank @Size(max = 64) String sourceSystem,
        @NotBlank @Size(max = 64) String company,
        @NotBlank @Size(max = 128) String sourceItemKey,
        @NotNull DocType docType,
        @Size(max = 64) String docNumber,
        @Size(max = 128) String paymentRef,
        @NotBlank @Size(max = 64) String debtorRef,
        LocalDate issueDate,
        @NotNull LocalDate dueDate,
        @NotNull @PositiveOrZero @Digits(integer = 15, fraction = 4) BigDecimal originalAmount,
        @NotNull @PositiveOrZero @Digits(integer = 15, fraction = 4) BigDecimal openAmount,
        @NotNull Currency currency,
        @NotNull ItemStatus status,
        LocalDate clearedDate,
        @Min(0) @Max(9) Integer dunningLevel,
        LocalDate lastReminderDate,
        boolean dunningBlocked,
        boolean disputed,
        @Size(max = 256) String disputeReason,
        Instant sourceLastModified,
        String version) {

    @JsonIgnore
    @AssertTrue(message = "openAmount must not exceed originalAmount")
    public boolean isOpenAmountWithinOriginal() {
        return openAmount == null || originalAmount == null || openAmount.compareTo(originalAmount) <= 0;
    }

    @JsonIgnore
    @AssertTrue(message = "dueDate must not be before issueDate")
    public boolean isDueDateAfterIssueDate() {
        return issueDate == null || dueDate == null || !dueDate.isBefore(issueDate);
    }

    /** The natural key as one string, e.g. {@code bc-main:CRONUS:INV-103001}. */
    @JsonIgnore
    public String itemKey() {
        return sourceSystem + ":" + company + ":" + sourceItemKey;
    }

    /** Key of the debtor this item belongs to, scoped like the item. */
    @JsonIgnore
    public String debtorKey() {
        return DebtorKey.of(sourceSystem, company, debtorRef);
    }

    public OpenItem withVersion(String newVersion) {
        return new OpenItem(sourceSystem, company, sourceItemKey, docType, docNumber, paymentRef, debtorRef,
                issueDate, dueDate, originalAmount, openAmount, currency, status, clearedDate, dunningLevel,
                lastReminderDate, dunningBlocked, disputed, disputeReason, sourceLastModified, newVersion);
    }
}
