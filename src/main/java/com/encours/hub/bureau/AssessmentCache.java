package com.encours.hub.bureau;

import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.CanonicalJson;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The latest assessment of each debtor, with the identifiers it was fetched for and the connector that fetched it. */
@Repository
public class AssessmentCache {

    private final JdbcTemplate jdbc;
    private final CanonicalJson json;

    public AssessmentCache(JdbcTemplate jdbc, CanonicalJson json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @param connectorId the bureau connector that assessed; null for assessments stored before it was kept */
    public record Cached(CreditAssessment assessment, String identifiersHash, Instant validUntil, String connectorId) {
    }

    public Optional<Cached> find(String hubId) {
        return jdbc.query("select payload, identifiers_hash, valid_until, connector_id from credit_assessment where hub_id = ?",
                (rs, n) -> new Cached(json.read(rs.getString(1), CreditAssessment.class), rs.getString(2),
                        rs.getTimestamp(3).toInstant(), rs.getString(4)),
                hubId).stream().findFirst();
    }

    public void store(String hubId, CreditAssessment assessment, String identifiersHash, String connectorId) {
        String payload = json.write(assessment);
        Timestamp fetched = Timestamp.from(assessment.fetchedAt());
        Timestamp validUntil = Timestamp.from(assessment.validUntil());
        if (jdbc.update("update credit_assessment set provider = ?, identifiers_hash = ?, fetched_at = ?, valid_until = ?, "
                + "payload = ?, connector_id = ? where hub_id = ?", assessment.provider(), identifiersHash, fetched, validUntil,
                payload, connectorId, hubId) == 0) {
            jdbc.update("insert into credit_assessment (hub_id, provider, identifiers_hash, fetched_at, valid_until, payload, "
                    + "connector_id) values (?, ?, ?, ?, ?, ?, ?)", hubId, assessment.provider(), identifiersHash, fetched,
                    validUntil, payload, connectorId);
        }
    }

    /**
     * The debtors whose cached assessment comes from {@code provider} under {@code providerRef}. The reference
     * lives in the payload only: the text search narrows, reading the payload decides.
     */
    public List<String> hubIdsAssessedAs(String provider, String providerRef) {
        String pattern = "%" + providerRef.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.query("select hub_id, payload from credit_assessment where provider = ? and payload like ? escape '\\' "
                        + "order by hub_id", (rs, n) -> providerRef.equals(json.read(rs.getString(2), CreditAssessment.class)
                        .providerRef()) ? rs.getString(1) : null,
                provider, pattern).stream().filter(Objects::nonNull).toList();
    }

    /**
     * Makes the debtor's assessment due now, so that the next enrichment asks the bureau again; false when
     * the debtor has no assessment, or one already due.
     */
    public boolean markStale(String hubId, Instant now) {
        Timestamp at = Timestamp.from(now);
        return jdbc.update("update credit_assessment set valid_until = ? where hub_id = ? and valid_until > ?",
                at, hubId, at) == 1;
    }
}
