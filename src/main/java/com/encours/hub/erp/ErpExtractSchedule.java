package com.encours.hub.erp;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;

/** Gives every enabled ERP connector its own extract route, from the {@code erp-extract} template. */
@Component
public class ErpExtractSchedule implements CamelContextConfiguration {

    private final ConnectorCatalog catalog;
    private final Duration firstRunDelay;

    /** @param firstRunDelay pause between startup and each connector's first extract */
    public ErpExtractSchedule(ConnectorCatalog catalog, @Value("${hub.extract.first-run-delay:3s}") Duration firstRunDelay) {
        this.catalog = catalog;
        this.firstRunDelay = firstRunDelay;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // routes from YAML are not loaded yet here
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        for (ConnectorInstance connector : catalog.enabledInstances("erp")) {
            try {
                camelContext.addRouteFromTemplate("erp-extract-" + connector.id(), "erp-extract", Map.of(
                        "connectorId", connector.id(),
                        "periodMillis", String.valueOf(connector.schedule().toMillis()),
                        "delayMillis", String.valueOf(firstRunDelay.toMillis())));
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the extract route of " + connector.id(), e);
            }
        }
    }
}
