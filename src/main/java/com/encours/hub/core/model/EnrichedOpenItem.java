package com.encours.hub.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The event finance systems receive: an open item with who owes it, what the bureau says and what the
 * debtor owes in total. Contract: {@code src/main/resources/schemas/open-item-enriched.v1.schema.json}.
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

    /** The debtor as finance needs it in an event: ids and identifiers, not the whole master record. */
    public record DebtorSummary(String hubId, String debtorRef, String name, String country,
                                List<DebtorIdentifier> identifiers) {
    }
}
