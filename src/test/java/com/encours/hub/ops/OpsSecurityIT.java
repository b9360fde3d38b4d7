package com.encours.hub.ops;

import com.encours.hub.support.HubIntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Nothing is anonymous; viewers read, only ops act. */
class OpsSecurityIT extends HubIntegrationTest {

    @Autowired
    private TestRestTemplate http;

    @Test
    void withoutCredentialsEverythingIsRefusedWithAJson401() {
        for (String path : new String[]{"/api/ops/failed", "/actuator/health", "/api/ops/audit"}) {
            ResponseEntity<JsonNode> response = http.getForEntity(path, JsonNode.class);

            assertThat(response.getStatusCode()).as(path).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(response.getHeaders().getFirst("WWW-Authenticate")).startsWith("Basic");
            assertThat(response.getBody().path("status").asInt()).isEqualTo(401);
            assertThat(response.getBody().path("path").asText()).isEqualTo(path);
        }
        assertThat(http.postForEntity("/api/ops/failed/any/retry", null, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThat(http.withBasicAuth(OPS, "wrong").getForEntity("/api/ops/failed", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void aViewerReadsButCannotAct() {
        TestRestTemplate viewer = http.withBasicAuth(VIEWER, PASSWORD);

        assertThat(viewer.getForEntity("/api/ops/failed", JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(viewer.getForEntity("/api/ops/audit", JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<JsonNode> health = viewer.getForEntity("/actuator/health", JsonNode.class);
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody().has("components")).as("details shown to an authorised user").isTrue();

        ResponseEntity<JsonNode> retry = viewer.postForEntity("/api/ops/failed/any/retry", null, JsonNode.class);
        assertThat(retry.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(retry.getBody().path("status").asInt()).isEqualTo(403);
        assertThat(viewer.postForEntity("/api/ops/failed/retry", null, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(viewer.postForEntity("/api/ops/failed/any/discard", Map.of("reason", "no"), JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void opsReadsAndActs() {
        TestRestTemplate ops = http.withBasicAuth(OPS, PASSWORD);

        assertThat(ops.getForEntity("/api/ops/failed", JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ops.getForEntity("/actuator/health", JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        // Allowed through, and answered by the API itself: there is no such message.
        ResponseEntity<JsonNode> retry = ops.postForEntity("/api/ops/failed/unknown-id/retry", null, JsonNode.class);
        assertThat(retry.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(retry.getBody().path("message").asText()).contains("unknown-id");
        assertThat(ops.postForEntity("/api/ops/failed/retry", null, JsonNode.class).getBody().path("retried").asInt())
                .isZero();
    }
}
