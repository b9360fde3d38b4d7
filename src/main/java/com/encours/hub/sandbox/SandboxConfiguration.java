package com.encours.hub.sandbox;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the partner sandbox when {@code hub.sandbox.enabled} (the default run; never in production). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class SandboxConfiguration {

    /** 50 companies and 500 invoices unless {@code hub.sandbox.companies} / {@code hub.sandbox.invoices} say otherwise. */
    @Bean
    SandboxPortfolio sandboxPortfolio(@Value("${hub.sandbox.companies:" + SandboxPortfolio.COMPANIES + "}") int companies,
                                      @Value("${hub.sandbox.invoices:" + SandboxPortfolio.INVOICES + "}") int invoices,
                                      @Value("${hub.sandbox.seed:" + SandboxPortfolio.DEFAULT_SEED + "}") long seed) {
        return new SandboxPortfolio(companies, invoices, seed);
    }

    /** The sandbox file-drop connectors' inboxes, ready for a file to be dropped in (see application-sandbox.yaml). */
    @Bean
    List<Path> sandboxDropInboxes(@Value("${hub.data-dir}") Path dataDir) throws IOException {
        List<Path> inboxes = new ArrayList<>();
        for (String format : List.of("fec", "csv", "xml")) {
            inboxes.add(Files.createDirectories(dataDir.resolve(format).resolve("inbox")));
        }
        return inboxes;
    }

    @Bean
    PartnerSandbox partnerSandbox(@Value("${hub.sandbox.port}") int port, List<SandboxSimulator> simulators)
            throws IOException {
        return new PartnerSandbox(port, simulators);
    }
}
