package com.encours.hub.erp;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

import java.util.Map;

/** Gives every enabled ERP connector its own extract route, from the {@code erp-extract} template. */
@Component
public class ErpExtractSchedule implements CamelContextConfiguration {

    private final ConnectorCatalog catalog;

    public ErpExtractSchedule(ConnectorCatalog catalog) {
        this.catalog = catalog;
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
                        "periodMillis", String.valueOf(connector.schedule().toMillis())));
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the extract route of " + connector.id(), e);
            }
        }
    }
}
