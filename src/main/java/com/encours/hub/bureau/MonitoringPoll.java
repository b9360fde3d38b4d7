package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.ConnectorLease;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.ledger.LedgerRepository;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.finance.DebtorRefreshes;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Pulls the changes a monitoring bureau raised since the connector's watermark, finds the debtors they concern
 * by their identifiers in the ledger or by the bureau's reference in their cached assessment, makes their cached
 * assessment due and assesses them again through {@link DebtorAssessments}, and asks for their debtor events at
 * once ({@link DebtorRefreshes}): a worse score reaches finance as debtor.assessed and score.dropped without
 * waiting for the debtor's next item change.
 * <p>
 * The watermark ({@value #WATERMARK}, the latest alert instant seen) is saved only once every alert of the
 * batch has marked its debtors stale: a failure leaves it where it was and the next poll sees the same alerts
 * again. The fresh assessment itself is best effort: a debtor the bureau cannot assess now stays stale, and
 * the enrichment asks again when its next change goes through. With several hub instances, the holder of
 * the connector's monitoring lease polls.
 */
@Component
public class MonitoringPoll {

    static final String WATERMARK = "alertsSince";
    private static final Duration LEASE_GRACE = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(MonitoringPoll.class);

    private final ConnectorCatalog catalog;
    private final Map<String, BureauMonitoring> byProtocol;
    private final ConnectorState state;
    private final ConnectorLease lease;
    private final LedgerRepository ledger;
    private final AssessmentCache cache;
    private final DebtorAssessments assessments;
    private final CanonicalJson json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final DebtorRefreshes refreshes;

    public MonitoringPoll(ConnectorCatalog catalog, List<BureauMonitoring> monitorings, ConnectorState state,
                          ConnectorLease lease, LedgerRepository ledger, AssessmentCache cache,
                          DebtorAssessments assessments, CanonicalJson json, Clock clock, MeterRegistry meters,
                          DebtorRefreshes refreshes) {
        this.catalog = catalog;
        this.byProtocol = monitorings.stream().collect(Collectors.toMap(BureauMonitoring::protocol, Function.identity()));
        this.state = state;
        this.lease = lease;
        this.ledger = ledger;
        this.cache = cache;
        this.assessments = assessments;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.refreshes = refreshes;
    }

    /** The enabled bureau connectors whose protocol offers monitoring, and whose {@code monitoring} is on. */
    public List<ConnectorInstance> monitoredConnectors() {
        return catalog.enabledInstances("bureau").stream()
                .filter(connector -> byProtocol.containsKey(connector.protocol()))
                .filter(connector -> Boolean.parseBoolean(connector.property("monitoring"))).toList();
    }

    /**
     * One poll of the connector's changes. The first poll only sets the watermark: what changed before the hub
     * monitored the connector is in the assessments it fetched anyway.
     *
     * @return the hub ids of the debtors whose assessment was made due, in the order of their alerts; empty
     * when another hub instance holds the lease
     */
    public Set<String> poll(String connectorId) {
        ConnectorInstance connector = catalog.instance(connectorId);
        BureauMonitoring monitoring = byProtocol.get(connector.protocol());
        if (monitoring == null) {
            throw new IllegalArgumentException(connectorId + " speaks " + connector.protocol()
                    + ", which offers no monitoring (known: " + byProtocol.keySet() + ")");
        }
        if (!lease.acquire(connectorId + ":monitoring", connector.schedule().multipliedBy(2).plus(LEASE_GRACE))) {
            return Set.of();
        }
        Instant now = clock.instant();
        String since = state.watermarks(connectorId).get(WATERMARK);
        if (since == null) {
            state.saveWatermarks(connectorId, Map.of(WATERMARK, now.toString()));
            return Set.of();
        }
        List<BureauAlert> alerts;
        try {
            alerts = monitoring.changesSince(connector, Instant.parse(since));
        } catch (RuntimeException e) {
            state.recordError(connectorId, e.getMessage());
            throw e;
        }
        Set<String> concerned = new LinkedHashSet<>();
        Instant latest = Instant.parse(since);
        for (BureauAlert alert : alerts) {
            Set<String> debtors = new LinkedHashSet<>(ledger.hubIdsWithAnyIdentifier(alert.identifiers()));
            if (alert.providerRef() != null) {
                debtors.addAll(cache.hubIdsAssessedAs(alert.provider(), alert.providerRef()));
            }
            log.info("{}: {} alert {} ({}) concerns {} debtor(s)", connectorId, alert.type(), alert.alertId(),
                    alert.description(), debtors.size());
            debtors.forEach(hubId -> cache.markStale(hubId, now));
            concerned.addAll(debtors);
            latest = alert.raisedAt().isAfter(latest) ? alert.raisedAt() : latest;
        }
        state.saveWatermarks(connectorId, Map.of(WATERMARK, latest.toString()));
        state.recordSuccess(connectorId);
        meters.counter("hub.bureau.monitoring.alerts", "connector", connectorId).increment(alerts.size());
        List<String> reassessed = concerned.stream().map(this::reassess).flatMap(Optional::stream).toList();
        if (!reassessed.isEmpty()) {
            refreshes.request(reassessed, connectorId + ":alerts-until:" + latest);
        }
        return concerned;
    }

    /** @return the debtor's key once it is assessed again; empty if it is left stale */
    private Optional<String> reassess(String hubId) {
        Optional<Debtor> debtor = ledger.findDebtorByHubId(hubId).map(stored -> json.read(stored.payload(), Debtor.class));
        try {
            debtor.ifPresent(assessments::current);
            return debtor.map(Debtor::debtorKey);
        } catch (RuntimeException e) {
            log.warn("{}: left stale, to be assessed again with its next change: {}", hubId, e.getMessage());
            return Optional.empty();
        }
    }
}
