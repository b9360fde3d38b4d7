package com.encours.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.web.client.RestClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Base of the integration tests: the whole hub in sandbox mode, but on the real PostgreSQL server (a
 * schema of its own per test class, dropped by nobody: names are unique) and an embedded Artemis with
 * its own data directory. Redelivery is shortened so that DLQ scenarios finish in seconds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class HubIntegrationTest {

    public static final String VIEWER = "viewer";
    public static final String OPS = "ops";
    public static final String PASSWORD = "test-password";

    @LocalServerPort
    int port;

    @Autowired
    protected ObjectMapper json;

    protected JsonNode readJson(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** A client of the hub's own API, logged in as the given user. */
    protected RestClient restClient(String user) {
        return RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultHeaders(h -> h.setBasicAuth(user, PASSWORD)).build();
    }

    protected RestClient restClient() {
        return restClient(VIEWER);
    }

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry registry) {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String schema = "hub_it_" + run;
        Path dataDir = Path.of("target", "it-data", run).toAbsolutePath();
        registry.add("hub.data-dir", dataDir::toString);
        // chosen once: the supplier is asked again at every lookup of the property
        int sandboxPort = TestSocketUtils.findAvailableTcpPort();
        registry.add("hub.sandbox.port", () -> sandboxPort);
        registry.add("spring.datasource.url", () -> TestDatabase.jdbcUrl(schema));
        registry.add("spring.datasource.username", TestDatabase::user);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
        registry.add("hub.broker.max-delivery-attempts", () -> "3");
        registry.add("hub.broker.redelivery-delay-ms", () -> "200");
        registry.add("hub.broker.max-redelivery-delay-ms", () -> "1000");
        registry.add("hub.security.users[0].name", () -> VIEWER);
        registry.add("hub.security.users[0].password", () -> PASSWORD);
        registry.add("hub.security.users[0].roles[0]", () -> "VIEWER");
        registry.add("hub.security.users[1].name", () -> OPS);
        registry.add("hub.security.users[1].password", () -> PASSWORD);
        registry.add("hub.security.users[1].roles[0]", () -> "OPS");
        // Extracts are started by the tests, not by the timer.
        registry.add("hub.extract.first-run-delay", () -> "1d");
    }
}
