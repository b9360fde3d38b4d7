package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorInstance;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Gives every enabled bureau connector that offers monitoring a timer route that runs {@link MonitoringPoll}
 * on the connector's {@code schedule}. A failed poll is logged by Camel and tried again at the next tick.
 */
@Component
public class MonitoringSchedule implements CamelContextConfiguration {

    private final MonitoringPoll poll;
    private final Duration firstRunDelay;

    /** @param firstRunDelay pause between startup and each connector's first poll */
    public MonitoringSchedule(MonitoringPoll poll,
                              @Value("${hub.monitoring.first-run-delay:1m}") Duration firstRunDelay) {
        this.poll = poll;
        this.firstRunDelay = firstRunDelay;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // nothing to prepare
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        for (ConnectorInstance connector : poll.monitoredConnectors()) {
            try {
                camelContext.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("timer:bureau-monitoring-" + connector.id() + "?period=" + connector.schedule().toMillis()
                                + "&delay=" + firstRunDelay.toMillis())
                                .routeId("bureau-monitoring-" + connector.id())
                                .process(exchange -> poll.poll(connector.id()));
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the monitoring route of " + connector.id(), e);
            }
        }
    }
}
