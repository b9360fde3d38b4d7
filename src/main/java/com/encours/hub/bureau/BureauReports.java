package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.CreditAssessment;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What every bureau client does with a company report: map it with the connector's {@code assessment}
 * mapping (bindings {@code $fetchedAt} and {@code $validUntil}), and add what the credit manager should
 * know about how the company was found.
 */
public final class BureauReports {

    private BureauReports() {
    }

    /** The report mapped into an assessment valid for {@code ttl}; a report that maps into no valid one is refused. */
    public static CreditAssessment map(JsonataMapper mapper, ConnectorInstance connector, String report,
                                       Instant fetchedAt, Duration ttl) {
        String mapping = connector.mapping("assessment");
        Object mapped = mapper.map(mapping, report, Map.of(
                "fetchedAt", fetchedAt.toString(), "validUntil", fetchedAt.plus(ttl).toString()));
        try {
            return mapper.convert(mapped, CreditAssessment.class);
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() instanceof JsonProcessingException cause ? cause.getOriginalMessage() : e.getMessage();
            throw new MappingException(mapping, "the report gave an invalid assessment: " + reason);
        }
    }

    /** A company the bureau cannot find or rate: an assessment without score, valid for {@code ttl} all the same. */
    public static CreditAssessment notRated(String provider, String why, Instant fetchedAt, Duration ttl) {
        return new CreditAssessment(provider, null, null, null, null, why, null, null, null, fetchedAt, fetchedAt.plus(ttl));
    }

    /** The assessment with {@code note} after its description (unchanged when the note is null). */
    public static CreditAssessment withNote(CreditAssessment assessment, String note) {
        if (note == null) {
            return assessment;
        }
        String description = assessment.ratingDescription() == null ? note
                : assessment.ratingDescription() + " (" + note + ")";
        return new CreditAssessment(assessment.provider(), assessment.providerRef(), assessment.providerScore(),
                assessment.score(), assessment.ratingBand(), description, assessment.recommendedLimit(),
                assessment.limitCurrency(), assessment.limitText(), assessment.fetchedAt(), assessment.validUntil());
    }
}
