package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorInstance;

import java.time.Instant;
import java.util.List;

/**
 * A bureau that notifies changes on the companies it monitors, so that a score drop or an insolvency reaches
 * finance without waiting for the assessment's TTL. Implemented next to the {@link BureauClient} of the same
 * protocol; {@link MonitoringPoll} pulls the changes on a schedule.
 */
public interface BureauMonitoring {

    /** The {@code spec.protocol} of the descriptors whose monitoring this implements. */
    String protocol();

    /**
     * The changes the bureau raised after {@code since}, oldest first.
     *
     * @throws com.encours.hub.core.partner.PartnerException when the bureau cannot answer now (transient) or
     *                                                       refuses the request (not transient)
     */
    List<BureauAlert> changesSince(ConnectorInstance connector, Instant since);
}
