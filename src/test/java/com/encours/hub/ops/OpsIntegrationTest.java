package com.encours.hub.ops;

import com.encours.hub.support.HubIntegrationTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;

/**
 * Base of the ops integration tests. Binding {@code hub.home: .} to a Path goes through Spring's PathEditor,
 * which resolves "." against the servlet context (a Tomcat temp dir) when HubProperties is bound after the
 * web server has started; a file: URI is resolved as a plain file path in every case.
 */
abstract class OpsIntegrationTest extends HubIntegrationTest {

    @DynamicPropertySource
    static void hubHome(DynamicPropertyRegistry registry) {
        Path home = Path.of("").toAbsolutePath();
        registry.add("hub.home", () -> home.toUri().toString());
        registry.add("camel.main.routes-include-pattern", () -> home.resolve("routes").toUri() + "*.camel.yaml");
    }
}
