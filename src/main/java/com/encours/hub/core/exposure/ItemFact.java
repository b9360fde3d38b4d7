package com.encours.hub.core.exposure;

import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.OpenItem;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One ledger item as the figures need it. Amounts are magnitudes, as in {@link OpenItem}; the document type
 * gives the sign.
 *
 * @param issueDate   null when the ERP gives none: the item then counts in what is open, not in sales
 * @param clearedDate the day the item was fully settled, null while any of it is open
 */
public record ItemFact(Currency currency, DocType docType, BigDecimal originalAmount, BigDecimal openAmount,
                       LocalDate issueDate, LocalDate dueDate, LocalDate clearedDate) {

    private static final Set<ItemStatus> NEVER_OWED = Set.of(ItemStatus.REVERSED, ItemStatus.CANCELLED);

    public ItemFact {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(docType, "docType");
        Objects.requireNonNull(originalAmount, "originalAmount");
        Objects.requireNonNull(openAmount, "openAmount");
        Objects.requireNonNull(dueDate, "dueDate");
    }

    public static ItemFact of(OpenItem item) {
        return new ItemFact(item.currency(), item.docType(), item.originalAmount(), item.openAmount(), item.issueDate(),
                item.dueDate(), item.status() == ItemStatus.CLEARED ? item.clearedDate() : null);
    }

    /** Facts of the items that were ever owed: a reversed or cancelled document was neither a sale nor a debt. */
    public static List<ItemFact> ofItems(Collection<OpenItem> items) {
        return items.stream().filter(item -> !NEVER_OWED.contains(item.status())).map(ItemFact::of).toList();
    }

    /** Credit notes and unapplied payments reduce what a debtor owes. */
    public static boolean countsNegative(DocType docType) {
        return docType == DocType.CREDIT_NOTE || docType == DocType.PAYMENT;
    }

    public boolean isOpen() {
        return openAmount.signum() != 0;
    }

    public BigDecimal signedOpenAmount() {
        return countsNegative(docType) ? openAmount.negate() : openAmount;
    }

    /** Invoices and debit notes are sales, credit notes take sales back; payments and other documents are not. */
    public boolean isSale() {
        return isBilledDocument() || docType == DocType.CREDIT_NOTE;
    }

    public BigDecimal signedSaleAmount() {
        return docType == DocType.CREDIT_NOTE ? originalAmount.negate() : originalAmount;
    }

    /** An invoice or debit note: a document the debtor pays, whose payment dates tell how the debtor pays. */
    public boolean isBilledDocument() {
        return docType == DocType.INVOICE || docType == DocType.DEBIT_NOTE;
    }
}
