package com.encours.hub.identity.vies;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.mapping.JsonataMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The {@link VatCheckService} bean, present only when an enabled connector under {@code hub.connectors} uses
 * the {@code identity/vies} descriptor. One such connector at most: the service has no way to choose.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ViesConfiguration.ViesConnectorConfigured.class)
public class ViesConfiguration {

    static final String DESCRIPTOR = "identity/vies";

    @Bean
    VatCheckService vatCheckService(ConnectorCatalog catalog, CamelContext camel, ConnectorState state, JdbcTemplate jdbc,
                                    JsonataMapper mapper, ObjectMapper json, Clock clock, MeterRegistry meters) {
        List<ConnectorInstance> vies = catalog.enabledInstances("identity").stream()
                .filter(instance -> DESCRIPTOR.equals("identity/" + instance.descriptor().metadata().name())).toList();
        if (vies.size() != 1) {
            throw new ConnectorConfigurationException("hub configuration", "hub.connectors",
                    vies.size() + " enabled connectors use " + DESCRIPTOR + " ("
                            + vies.stream().map(ConnectorInstance::id).toList() + "): keep one enabled");
        }
        return new VatCheckService(vies.get(0), new ViesClient(camel, meters), state, new VatCheckCache(jdbc), mapper,
                json, clock, meters);
    }

    /** Matches when {@code hub.connectors} holds an enabled instance of the VIES descriptor. */
    static class ViesConnectorConfigured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                    .bind("hub.connectors", Bindable.mapOf(String.class, HubProperties.ConnectorInstanceProperties.class))
                    .orElse(Map.of()).values().stream()
                    .anyMatch(instance -> instance.isEnabled() && DESCRIPTOR.equals(instance.getDescriptor()));
        }
    }
}
