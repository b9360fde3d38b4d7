package com.encours.hub.core.model;

import com.encours.hub.core.Hashes;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The event finance systems receive: an open item with who owes it, what the bureau says and what the
 * debtor owes in total. Contract: {@code src/main/resources/schemas/open-item.enriched.v1.schema.json}.
 */
public record EnrichedOpenItem(
        String eventId,
        String eventType,
        int schemaVersion,
        Instant occurredAt,
        long revision,
        Set<ChangeKind> changes,
        OpenItem item,
        DebtorSummary debtor,
        CreditAssessment assessment,
        List<Exposure> exposure) {

    public static final String EVENT_TYPE = "open-item.enriched";

    /** Id of a message carrying these events: the same when a redelivered input emits them again. */
    public static String messageId(List<EnrichedOpenItem> events) {
        return "evts-" + Hashes.shortSha256(events.stream().map(EnrichedOpenItem::eventId).collect(Collectors.joining("|")));
    }

    /**
     * The debtor as finance needs it in an event: ids and identifiers, not the whole master record.
     *
     * @param vatCheck what VIES says of its EU VAT number; null when it has none or VIES could not answer
     */
    public record DebtorSummary(String hubId, String debtorRef, String name, String country,
                                List<DebtorIdentifier> identifiers, VatCheck vatCheck) {
    }
}
