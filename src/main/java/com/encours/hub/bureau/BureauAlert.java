package com.encours.hub.bureau;

import com.encours.hub.core.model.DebtorIdentifier;

import java.time.Instant;
import java.util.List;

/**
 * A change a bureau reports on a company it monitors for the hub: a score drop, a new credit limit, a
 * bankruptcy. The hub does not interpret it beyond finding the debtors concerned: it asks the bureau again.
 *
 * @param alertId     the bureau's id of the notification, to tell it apart from another of the same instant
 * @param provider    the bureau, as its assessments name it ({@link com.encours.hub.core.model.CreditAssessment#provider()})
 * @param providerRef the bureau's own id of the company, as its assessments give it; a bureau that names the
 *                    company by it alone (Creditsafe's connectId) is matched to the debtors assessed under it
 * @param identifiers the company's identifiers as the bureau gives them, normalised; may be empty
 * @param raisedAt    when the bureau raised it; the poll's watermark moves to the latest one seen
 * @param type        the bureau's own kind of change, as written (e.g. BAROMETER, STATUS)
 * @param description what changed in words, for ops (old and new value when the bureau gives them)
 */
public record BureauAlert(String alertId, String provider, String providerRef, List<DebtorIdentifier> identifiers, Instant raisedAt, String type,
                          String description) {
}
