package com.encours.hub.ops;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.ConnectorState;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Actuator health of each connector ({@code /actuator/health/connectors}): PARTNER_DOWN when its last
 * run failed after its last success, with the time and reason; UNKNOWN before its first run.
 * PARTNER_DOWN is not DOWN on purpose: a partner's outage is buffered by the hub, which stays healthy
 * (HTTP 200, no restart by an orchestrator), while ops see which partner fails and why.
 */
@Component("connectors")
public class ConnectorHealth implements CompositeHealthContributor {

    static final Status PARTNER_DOWN = new Status("PARTNER_DOWN", "the partner's last call failed");

    private final Map<String, HealthIndicator> indicators = new LinkedHashMap<>();

    public ConnectorHealth(ConnectorCatalog catalog, ConnectorState state) {
        for (ConnectorInstance connector : catalog.instances()) {
            indicators.put(connector.id(), () -> health(connector, state));
        }
    }

    private static Health health(ConnectorInstance connector, ConnectorState state) {
        if (!connector.enabled()) {
            return Health.unknown().withDetail("enabled", false).build();
        }
        var status = state.status(connector.id()).orElse(null);
        Health.Builder builder;
        if (status == null) {
            builder = Health.unknown();
        } else if (status.lastErrorAt() != null
                && (status.lastSuccessAt() == null || status.lastErrorAt().isAfter(status.lastSuccessAt()))) {
            builder = Health.status(PARTNER_DOWN).withDetail("lastErrorAt", status.lastErrorAt())
                    .withDetail("lastError", status.lastError());
        } else {
            builder = Health.up();
        }
        if (status != null && status.lastSuccessAt() != null) {
            builder.withDetail("lastSuccessAt", status.lastSuccessAt());
        }
        return builder.withDetail("descriptor", connector.descriptor().file()).build();
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return indicators.entrySet().stream()
                .map(e -> NamedContributor.<HealthContributor>of(e.getKey(), e.getValue())).iterator();
    }
}
