package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.ledger.Ledger;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Gives a debtor's current assessment, asking the bureau only when it must: the debtor was never
 * assessed, its identifiers changed, or the assessment is past its validity. Everything else is
 * answered from the cache, so repeated syncs cost no bureau call.
 */
@Service
public class DebtorAssessments {

    private final AssessmentCache cache;
    private final ConnectorState state;
    private final Optional<ConnectorInstance> bureau;
    private final BureauClient client;
    private final Clock clock;
    private final MeterRegistry meters;

    public DebtorAssessments(AssessmentCache cache, ConnectorState state, HubProperties properties,
                             ConnectorCatalog catalog, List<BureauClient> clients, Clock clock, MeterRegistry meters) {
        this.cache = cache;
        this.state = state;
        this.clock = clock;
        this.meters = meters;
        String connectorId = properties.getBureau().getConnector();
        this.bureau = connectorId == null || connectorId.isBlank() ? Optional.empty()
                : Optional.of(catalog.instance(connectorId));
        Map<String, BureauClient> byProtocol = clients.stream()
                .collect(Collectors.toMap(BureauClient::protocol, Function.identity()));
        this.client = bureau.map(instance -> {
            if (!"bureau".equals(instance.kind())) {
                throw new ConnectorConfigurationException("hub configuration", "hub.bureau.connector",
                        "'" + instance.id() + "' is a " + instance.kind() + " connector, not a bureau");
            }
            BureauClient found = byProtocol.get(instance.protocol());
            if (found == null) {
                throw new ConnectorConfigurationException(instance.descriptor().file(), "spec.protocol",
                        "no bureau implementation for protocol '" + instance.protocol() + "' (known: "
                                + byProtocol.keySet() + ")");
            }
            return found;
        }).orElse(null);
    }

    /** The assessment to publish with the debtor's items; empty when no bureau is configured. */
    public Optional<CreditAssessment> current(Debtor debtor) {
        if (bureau.isEmpty()) {
            return Optional.empty();
        }
        String identifiersHash = Ledger.identifiersHash(debtor.identifiers());
        Instant now = clock.instant();
        Optional<AssessmentCache.Cached> cached = cache.find(debtor.hubId());
        if (cached.isPresent() && cached.get().identifiersHash().equals(identifiersHash)
                && cached.get().validUntil().isAfter(now)) {
            meters.counter("hub.bureau.assessments", "source", "cache").increment();
            return Optional.of(cached.get().assessment());
        }
        if (debtor.identifiers().isEmpty()) {
            // Nothing to look the company up by; ask again as soon as the ERP gives an identifier.
            return cached.map(AssessmentCache.Cached::assessment);
        }
        CreditAssessment fresh;
        try {
            fresh = client.assess(bureau.get(), debtor);
        } catch (RuntimeException e) {
            state.recordError(bureau.get().id(), e.getMessage());
            throw e;
        }
        cache.store(debtor.hubId(), fresh, identifiersHash);
        state.recordSuccess(bureau.get().id());
        meters.counter("hub.bureau.assessments", "source", bureau.get().id()).increment();
        return Optional.of(fresh);
    }
}
