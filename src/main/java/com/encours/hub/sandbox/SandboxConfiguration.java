package com.encours.hub.sandbox;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.util.List;

/** Starts the partner sandbox when {@code hub.sandbox.enabled} (the default run; never in production). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class SandboxConfiguration {

    @Bean
    SandboxPortfolio sandboxPortfolio() {
        return new SandboxPortfolio();
    }

    @Bean
    PartnerSandbox partnerSandbox(@Value("${hub.sandbox.port}") int port, List<SandboxSimulator> simulators)
            throws IOException {
        return new PartnerSandbox(port, simulators);
    }
}
