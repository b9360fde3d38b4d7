package com.encours.hub.core.model;

import com.encours.hub.core.Hashes;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Content hash of the business fields of an open item. sourceLastModified is left out on purpose:
 * ERPs touch it without changing anything a credit manager cares about.
 */
public final class OpenItemVersion {

    private OpenItemVersion() {
    }

    public static String of(OpenItem item) {
        String canonical = Stream.of(item.docType(), item.docNumber(), item.paymentRef(), item.debtorRef(),
                        item.issueDate(), item.dueDate(), plain(item.originalAmount()), plain(item.openAmount()),
                        item.currency(), item.status(), item.clearedDate(), item.dunningLevel(),
                        item.lastReminderDate(), item.dunningBlocked(), item.disputed(), item.disputeReason())
                .map(value -> Objects.toString(value, ""))
                .collect(Collectors.joining("|"));
        return Hashes.shortSha256(canonical);
    }

    /** 100.5 and 100.50 are the same amount and must give the same version. */
    private static String plain(BigDecimal amount) {
        return amount == null ? "" : amount.stripTrailingZeros().toPlainString();
    }
}
