package com.encours.hub.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A partner connector as declared in {@code connectors/<kind>/<name>.yaml}: what it is, how it talks,
 * which mappings it uses and which properties an instance must or may set. Unknown fields are errors,
 * so a typo in a descriptor stops startup instead of being ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ConnectorDescriptor(String apiVersion, String kind, Metadata metadata, Spec spec) {

    public static final String API_VERSION = "encours.hub/v1";

    /** Path of the descriptor relative to the hub home, for error messages. */
    public String file() {
        return "connectors/" + metadata.kind() + "/" + metadata.name() + ".yaml";
    }

    public record Metadata(String name, String kind, String title, String description, String supportLevel) {
    }

    /**
     * @param protocol the implementation that speaks to this partner, e.g. {@code business-central-v2};
     *                 one Java class per protocol in the kind's package
     */
    public record Spec(String protocol, String transport, Map<String, Object> auth, Map<String, Object> paging,
                       RateLimit rateLimit, Retry retry, Map<String, String> mappings, Definition definition) {
    }

    public record RateLimit(Integer requestsPerMinute) {
    }

    /** Retry budget for one call: attempts (first call included) and exponential backoff bounds. */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    }

    public record Definition(String title, List<String> required, Map<String, PropertySpec> properties) {
    }

    /**
     * @param type   string, integer, boolean, duration or url
     * @param format {@code password} marks a secret: it must come from the environment and is never logged
     */
    public record PropertySpec(String title, String description, String type, String format, Object example,
                               @JsonProperty("default") Object defaultValue) {

        public boolean isSecret() {
            return "password".equals(format);
        }
    }
}
