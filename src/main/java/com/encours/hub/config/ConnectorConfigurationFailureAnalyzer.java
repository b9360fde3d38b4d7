package com.encours.hub.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a connector configuration error into one short startup message instead of a stack trace. */
public class ConnectorConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConnectorConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConnectorConfigurationException cause) {
        return new FailureAnalysis("Connector configuration error in " + cause.getMessage(),
                "Fix " + cause.property() + " in " + cause.location() + " and start the hub again.", cause);
    }
}
