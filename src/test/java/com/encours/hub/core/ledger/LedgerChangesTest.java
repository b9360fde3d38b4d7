package com.encours.hub.core.ledger;

import com.encours.hub.core.model.ChangeKind;
import com.encours.hub.core.model.DocType;
import com.encours.hub.core.model.ItemStatus;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.model.OpenItemVersion;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerChangesTest {

    @Test
    void versionIgnoresTrailingZerosAndModificationTimeButNotAmounts() {
        OpenItem item = item("100.50", ItemStatus.OPEN, LocalDate.of(2026, 12, 1), Instant.parse("2026-11-01T10:00:00Z"));
        OpenItem sameAmountOtherScale = item("100.5", ItemStatus.OPEN, LocalDate.of(2026, 12, 1),
                Instant.parse("2026-11-02T10:00:00Z"));
        OpenItem paidSomething = item("90.50", ItemStatus.PARTIAL, LocalDate.of(2026, 12, 1),
                Instant.parse("2026-11-01T10:00:00Z"));

        assertThat(OpenItemVersion.of(sameAmountOtherScale)).isEqualTo(OpenItemVersion.of(item));
        assertThat(OpenItemVersion.of(paidSomething)).isNotEqualTo(OpenItemVersion.of(item));
    }

    @Test
    void namesWhatChanged() {
        OpenItem before = item("100.00", ItemStatus.OPEN, LocalDate.of(2026, 12, 1), null);

        assertThat(Ledger.changesBetween(null, before)).containsExactly(ChangeKind.NEW);
        assertThat(Ledger.changesBetween(before, item("40.00", ItemStatus.PARTIAL, LocalDate.of(2026, 12, 1), null)))
                .containsExactlyInAnyOrder(ChangeKind.AMOUNT, ChangeKind.STATUS);
        assertThat(Ledger.changesBetween(before, item("0.00", ItemStatus.CLEARED, LocalDate.of(2026, 12, 1), null)))
                .containsExactlyInAnyOrder(ChangeKind.AMOUNT, ChangeKind.CLEARED);
        assertThat(Ledger.changesBetween(before, item("100.00", ItemStatus.OPEN, LocalDate.of(2026, 12, 15), null)))
                .containsExactly(ChangeKind.DUE_DATE);
    }

    private static OpenItem item(String open, ItemStatus status, LocalDate due, Instant modified) {
        return new OpenItem("bc", "CRONUS", "INV-1", DocType.INVOICE, "INV-1", null, "C1", LocalDate.of(2026, 11, 1),
                due, new BigDecimal("100.50"), new BigDecimal(open), Currency.getInstance("EUR"), status, null, 0, null,
                false, false, null, modified, null);
    }
}
