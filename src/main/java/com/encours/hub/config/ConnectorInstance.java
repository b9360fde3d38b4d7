package com.encours.hub.config;

import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A configured, validated connector: its id (the key under {@code hub.connectors}), its descriptor and
 * its properties with defaults applied. {@link #toString()} masks secrets so it is safe to log.
 */
public record ConnectorInstance(String id, ConnectorDescriptor descriptor, boolean enabled, Duration schedule,
                                Map<String, String> properties) {

    public String kind() {
        return descriptor.metadata().kind();
    }

    public String protocol() {
        return descriptor.spec().protocol();
    }

    /** Fails unless this connector speaks {@code expected}: a client handed another partner's connector. */
    public void requireProtocol(String expected) {
        if (!expected.equals(protocol())) {
            throw new IllegalArgumentException(id + " speaks " + protocol() + ", not " + expected);
        }
    }

    public String property(String name) {
        if (!descriptor.spec().definition().properties().containsKey(name)) {
            throw new IllegalArgumentException(descriptor.file() + " declares no property '" + name + "'");
        }
        return properties.get(name);
    }

    public int intProperty(String name) {
        return Integer.parseInt(property(name));
    }

    public Duration durationProperty(String name) {
        return DurationStyle.detectAndParse(property(name));
    }

    /** Mapping file path under mappings/ for the given role, e.g. {@code openItem}. */
    public String mapping(String role) {
        String path = descriptor.spec().mappings() == null ? null : descriptor.spec().mappings().get(role);
        if (path == null) {
            throw new IllegalArgumentException(descriptor.file() + " declares no mapping '" + role + "'");
        }
        return path;
    }

    @Override
    public String toString() {
        var definition = descriptor.spec().definition().properties();
        String shown = properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (definition.get(e.getKey()).isSecret() ? "****" : e.getValue()))
                .collect(Collectors.joining(", "));
        return "ConnectorInstance[" + id + " (" + descriptor.file() + ") " + shown + "]";
    }
}
