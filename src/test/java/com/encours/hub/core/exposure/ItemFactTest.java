package com.encours.hub.core.exposure;

import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.OpenItem;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ItemFactTest {

    private static final LocalDate CLEARING = LocalDate.of(2026, 11, 20);

    @Test
    void reversedAndCancelledDocumentsAreNeitherSalesNorDebts() {
        List<ItemFact> facts = ItemFact.ofItems(List.of(
                item("INV-1", DocType.INVOICE, ItemStatus.OPEN, null),
                item("INV-2", DocType.INVOICE, ItemStatus.REVERSED, null),
                item("INV-3", DocType.INVOICE, ItemStatus.CANCELLED, null),
                item("CN-1", DocType.CREDIT_NOTE, ItemStatus.PARTIAL, null)));

        assertThat(facts).extracting(ItemFact::docType).containsExactly(DocType.INVOICE, DocType.CREDIT_NOTE);
    }

    @Test
    void onlyAClearedItemHasAClearingDate() {
        assertThat(ItemFact.of(item("INV-1", DocType.INVOICE, ItemStatus.CLEARED, CLEARING)).clearedDate())
                .isEqualTo(CLEARING);
        // an ERP that dates a partial payment as a clearing: the item is not settled yet
        assertThat(ItemFact.of(item("INV-2", DocType.INVOICE, ItemStatus.PARTIAL, CLEARING)).clearedDate()).isNull();
    }

    @Test
    void creditNotesAndPaymentsCountNegativeButOnlyCreditNotesTakeSalesBack() {
        ItemFact creditNote = ItemFact.of(item("CN-1", DocType.CREDIT_NOTE, ItemStatus.OPEN, null));
        ItemFact payment = ItemFact.of(item("PAY-1", DocType.PAYMENT, ItemStatus.OPEN, null));
        ItemFact debitNote = ItemFact.of(item("DN-1", DocType.DEBIT_NOTE, ItemStatus.OPEN, null));

        assertThat(creditNote.signedOpenAmount()).isEqualByComparingTo("-60.00");
        assertThat(creditNote.isSale()).isTrue();
        assertThat(creditNote.signedSaleAmount()).isEqualByComparingTo("-100.00");
        assertThat(payment.signedOpenAmount()).isEqualByComparingTo("-60.00");
        assertThat(payment.isSale()).isFalse();
        assertThat(debitNote.signedOpenAmount()).isEqualByComparingTo("60.00");
        assertThat(debitNote.isBilledDocument()).isTrue();
    }

    private static OpenItem item(String key, DocType type, ItemStatus status, LocalDate cleared) {
        return new OpenItem("bc", "CRONUS", key, type, key, null, "C1", LocalDate.of(2026, 11, 1),
                LocalDate.of(2026, 12, 1), new BigDecimal("100.00"), new BigDecimal("60.00"),
                Currency.getInstance("EUR"), status, cleared, 0, null, false, false, null, null, null);
    }
}
