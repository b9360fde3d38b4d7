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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Gives a debtor's current assessment, asking the bureau only when it must: the debtor was never
 * assessed, its identifiers changed, the assessment is past its validity, or another bureau now scores
 * the debtor's country. Everything else is answered from the cache, so repeated syncs cost no bureau call.
 * <p>
 * Which bureau scores a debtor is configuration: {@code hub.bureau.by-country.<country>} names the connector
 * for the debtors of that country ({@link DebtorCountry}), {@code hub.bureau.connector} the one for the
 * others (and for every debtor when no country is routed). Every named connector is checked at startup.
 */
@Service
public class DebtorAssessments {

    static final String FALLBACK_KEY = "hub.bureau.connector";
    static final String BY_COUNTRY_KEY = "hub.bureau.by-country";

    private final AssessmentCache cache;
    private final ConnectorState state;
    private final Optional<Route> fallback;
    private final Map<String, Route> byCountry = new LinkedHashMap<>();
    private final Clock clock;
    private final MeterRegistry meters;

    public DebtorAssessments(AssessmentCache cache, ConnectorState state, HubProperties properties,
                             ConnectorCatalog catalog, List<BureauClient> clients, Clock clock, MeterRegistry meters) {
        this.cache = cache;
        this.state = state;
        this.clock = clock;
        this.meters = meters;
        Map<String, BureauClient> byProtocol = clients.stream()
                .collect(Collectors.toMap(BureauClient::protocol, Function.identity()));
        String connectorId = properties.getBureau().getConnector();
        this.fallback = connectorId == null || connectorId.isBlank() ? Optional.empty()
                : Optional.of(route(FALLBACK_KEY, connectorId, catalog, byProtocol));
        properties.getBureau().getByCountry().forEach((country, id) -> {
            String key = BY_COUNTRY_KEY + "." + country;
            if (!country.matches("[A-Za-z]{2}")) {
                throw new ConnectorConfigurationException("hub configuration", key,
                        "'" + country + "' is not a two-letter ISO 3166 country code");
            }
            byCountry.put(country.toUpperCase(Locale.ROOT), route(key, id, catalog, byProtocol));
        });
    }

    /** The bureau connector named by {@code key}, and the client that speaks its protocol; refuses anything else. */
    private static Route route(String key, String connectorId, ConnectorCatalog catalog,
                               Map<String, BureauClient> byProtocol) {
        ConnectorInstance instance = catalog.instances().stream().filter(i -> i.id().equals(connectorId)).findFirst()
                .orElseThrow(() -> new ConnectorConfigurationException("hub configuration", key,
                        "no connector '" + connectorId + "' under hub.connectors"));
        if (!"bureau".equals(instance.kind())) {
            throw new ConnectorConfigurationException("hub configuration", key,
                    "'" + instance.id() + "' is a " + instance.kind() + " connector, not a bureau");
        }
        BureauClient client = byProtocol.get(instance.protocol());
        if (client == null) {
            throw new ConnectorConfigurationException(instance.descriptor().file(), "spec.protocol",
                    "no bureau implementation for protocol '" + instance.protocol() + "' (known: "
                            + byProtocol.keySet() + "), named by " + key);
        }
        return new Route(instance, client);
    }

    /** The assessment to publish with the debtor's items; empty when no bureau scores the debtor's country. */
    public Optional<CreditAssessment> current(Debtor debtor) {
        Optional<Route> route = routeOf(debtor);
        if (route.isEmpty()) {
            return Optional.empty();
        }
        ConnectorInstance bureau = route.get().connector();
        String identifiersHash = Ledger.identifiersHash(debtor.identifiers());
        Instant now = clock.instant();
        Optional<AssessmentCache.Cached> cached = cache.find(debtor.hubId());
        if (cached.isPresent() && cached.get().identifiersHash().equals(identifiersHash)
                && bureau.id().equals(assessedBy(cached.get())) && cached.get().validUntil().isAfter(now)) {
            meters.counter("hub.bureau.assessments", "source", "cache").increment();
            return Optional.of(cached.get().assessment());
        }
        if (debtor.identifiers().isEmpty()) {
            // Nothing to look the company up by; ask again as soon as the ERP gives an identifier.
            return cached.map(AssessmentCache.Cached::assessment);
        }
        CreditAssessment fresh;
        try {
            fresh = route.get().client().assess(bureau, debtor);
        } catch (RuntimeException e) {
            state.recordError(bureau.id(), e.getMessage());
            throw e;
        }
        cache.store(debtor.hubId(), fresh, identifiersHash, bureau.id());
        state.recordSuccess(bureau.id());
        meters.counter("hub.bureau.assessments", "source", bureau.id()).increment();
        return Optional.of(fresh);
    }

    /**
     * The assessment the hub holds for the debtor, without asking a bureau: what {@link #current} gave last,
     * even if it is due again. Empty when no bureau scores the debtor's country.
     */
    public Optional<CreditAssessment> known(Debtor debtor) {
        if (routeOf(debtor).isEmpty()) {
            return Optional.empty();
        }
        return cache.find(debtor.hubId()).map(AssessmentCache.Cached::assessment);
    }

    /** Assessments stored before the connector was kept came from the one bureau of the time: the fallback. */
    private String assessedBy(AssessmentCache.Cached cached) {
        return cached.connectorId() != null ? cached.connectorId()
                : fallback.map(route -> route.connector().id()).orElse(null);
    }

    private Optional<Route> routeOf(Debtor debtor) {
        return DebtorCountry.of(debtor).map(byCountry::get).or(() -> fallback);
    }

    private record Route(ConnectorInstance connector, BureauClient client) {
    }
}
