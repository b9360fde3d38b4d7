package com.encours.hub.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads every descriptor under {@code connectors/} and every instance under {@code hub.connectors},
 * and refuses to start on the first inconsistency, naming the file and the property.
 */
@Component
public class ConnectorCatalog {

    private static final Set<String> KINDS = Set.of("erp", "bureau", "identity", "insurer", "collection", "einvoice",
            "finance");
    private static final Set<String> TYPES = Set.of("string", "integer", "boolean", "duration", "url");

    private final Map<String, ConnectorDescriptor> descriptors;
    private final Map<String, ConnectorInstance> instances;

    public ConnectorCatalog(HubProperties properties, ConfigurableEnvironment environment) {
        this.descriptors = loadDescriptors(properties.getHome().resolve("connectors"));
        this.instances = buildInstances(properties.getConnectors(), environment);
    }

    public Collection<ConnectorDescriptor> descriptors() {
        return descriptors.values();
    }

    public Collection<ConnectorInstance> instances() {
        return instances.values();
    }

    public List<ConnectorInstance> enabledInstances(String kind) {
        return instances.values().stream().filter(i -> i.enabled() && i.kind().equals(kind)).toList();
    }

    public ConnectorInstance instance(String id) {
        ConnectorInstance instance = instances.get(id);
        if (instance == null) {
            throw new IllegalArgumentException("No connector '" + id + "' under hub.connectors");
        }
        return instance;
    }

    /**
     * Reads and checks every descriptor under {@code connectorsDir}, keyed by its path without
     * {@code .yaml} (e.g. {@code erp/business-central}). Public so that tests and tools can lint the
     * catalog without a Spring context.
     */
    public static Map<String, ConnectorDescriptor> loadDescriptors(Path connectorsDir) {
        if (!Files.isDirectory(connectorsDir)) {
            throw new ConnectorConfigurationException(connectorsDir.toString(), "hub.home",
                    "no connectors/ directory here; set hub.home to the directory that holds connectors/");
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).registerModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Map<String, ConnectorDescriptor> loaded = new TreeMap<>();
        try (Stream<Path> files = Files.walk(connectorsDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String relative = "connectors/" + connectorsDir.relativize(file).toString().replace('\\', '/');
                ConnectorDescriptor descriptor = read(yaml, file, relative);
                validate(descriptor, relative);
                loaded.put(relative.substring("connectors/".length(), relative.length() - ".yaml".length()), descriptor);
            }
        } catch (IOException e) {
            throw new ConnectorConfigurationException(connectorsDir.toString(), "-", "cannot read: " + e.getMessage());
        }
        return loaded;
    }

    private static ConnectorDescriptor read(ObjectMapper yaml, Path file, String relative) throws IOException {
        try {
            return yaml.readValue(file.toFile(), ConnectorDescriptor.class);
        } catch (JsonMappingException e) {
            String path = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new ConnectorConfigurationException(relative, path.isEmpty() ? "-" : path, e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConnectorConfigurationException(relative, "-", "not valid YAML: " + e.getMessage());
        }
    }

    static void validate(ConnectorDescriptor d, String file) {
        require(ConnectorDescriptor.API_VERSION.equals(d.apiVersion()), file, "apiVersion",
                "must be " + ConnectorDescriptor.API_VERSION);
        require("Connector".equals(d.kind()), file, "kind", "must be Connector");
        require(d.metadata() != null, file, "metadata", "is required");
        require(d.spec() != null, file, "spec", "is required");
        String expectedPath = "connectors/" + d.metadata().kind() + "/" + d.metadata().name() + ".yaml";
        require(KINDS.contains(d.metadata().kind()), file, "metadata.kind", "must be one of " + KINDS);
        require(expectedPath.equals(file), file, "metadata.name",
                "file must be named after kind and name (" + expectedPath + ")");
        require(d.spec().protocol() != null && !d.spec().protocol().isBlank(), file, "spec.protocol", "is required");
        var definition = d.spec().definition();
        require(definition != null && definition.properties() != null, file, "spec.definition.properties",
                "is required");
        for (var entry : definition.properties().entrySet()) {
            String where = "spec.definition.properties." + entry.getKey();
            var spec = entry.getValue();
            require(spec != null && spec.type() != null, file, where + ".type", "is required");
            require(TYPES.contains(spec.type()), file, where + ".type", "must be one of " + TYPES);
            require(!(spec.isSecret() && spec.defaultValue() != null), file, where + ".default",
                    "a secret cannot have a default");
            if (spec.defaultValue() != null) {
                String problem = typeProblem(spec.type(), String.valueOf(spec.defaultValue()));
                require(problem == null, file, where + ".default", String.valueOf(problem));
            }
        }
        for (String name : definition.required() == null ? List.<String>of() : definition.required()) {
            require(definition.properties().containsKey(name), file, "spec.definition.required",
                    "names '" + name + "' which is not declared under spec.definition.properties");
        }
        if (d.spec().mappings() != null) {
            d.spec().mappings().forEach((role, mapping) -> require(mapping != null && !mapping.isBlank(), file,
                    "spec.mappings." + role, "is empty"));
        }
    }

    private Map<String, ConnectorInstance> buildInstances(Map<String, HubProperties.ConnectorInstanceProperties> configured,
                                                          ConfigurableEnvironment environment) {
        Map<String, ConnectorInstance> built = new LinkedHashMap<>();
        configured.forEach((id, config) -> {
            String prefix = "hub.connectors." + id;
            require(id.matches("[a-z0-9][a-z0-9-]{0,62}"), origin(environment, prefix + ".descriptor"),
                    prefix, "connector id must be lower case letters, digits and dashes");
            ConnectorDescriptor descriptor = descriptors.get(config.getDescriptor());
            require(descriptor != null, origin(environment, prefix + ".descriptor"), prefix + ".descriptor",
                    "no descriptor connectors/" + config.getDescriptor() + ".yaml (known: " + descriptors.keySet() + ")");
            var definition = descriptor.spec().definition();
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : config.getProperties().keySet()) {
                require(definition.properties().containsKey(name), origin(environment, prefix + ".properties." + name),
                        prefix + ".properties." + name,
                        "unknown property for " + descriptor.file() + " (known: " + definition.properties().keySet() + ")");
            }
            for (var entry : definition.properties().entrySet()) {
                String name = entry.getKey();
                String key = prefix + ".properties." + name;
                String value = config.getProperties().get(name);
                if (value == null || value.isBlank()) {
                    value = entry.getValue().defaultValue() == null ? null : String.valueOf(entry.getValue().defaultValue());
                }
                boolean required = definition.required() != null && definition.required().contains(name);
                require(!(required && value == null), origin(environment, prefix), key,
                        "required by " + descriptor.file() + " but not set");
                if (value == null) {
                    continue;
                }
                String problem = typeProblem(entry.getValue().type(), value);
                require(problem == null, origin(environment, key), key, String.valueOf(problem));
                if (entry.getValue().isSecret()) {
                    requireFromEnvironment(environment, key);
                }
                values.put(name, value);
            }
            built.put(id, new ConnectorInstance(id, descriptor, config.isEnabled(), config.getSchedule(), Map.copyOf(values)));
        });
        return built;
    }

    /** A secret written in clear in a configuration file would end up in version control: refuse it. */
    private static void requireFromEnvironment(ConfigurableEnvironment environment, String key) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            Object raw = source.getProperty(key);
            if (raw == null) {
                continue;
            }
            String text = String.valueOf(raw);
            boolean fromFile = source.getName().contains("application") || source.getName().contains("Config resource");
            require(!fromFile || text.startsWith("${"), origin(environment, key), key,
                    "is a secret: write it as an environment placeholder such as ${ERP_CLIENT_SECRET}, not in clear");
            return;
        }
    }

    private static String origin(ConfigurableEnvironment environment, String key) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof OriginLookup<?> lookup) {
                @SuppressWarnings("unchecked")
                Origin origin = ((OriginLookup<String>) lookup).getOrigin(key);
                if (origin != null) {
                    return origin.toString();
                }
            }
        }
        return "hub configuration";
    }

    private static String typeProblem(String type, String value) {
        try {
            switch (type) {
                case "integer" -> Long.parseLong(value.trim());
                case "boolean" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        return "must be true or false, was '" + value + "'";
                    }
                }
                case "duration" -> DurationStyle.detectAndParse(value);
                case "url" -> {
                    if (!value.startsWith("http://") && !value.startsWith("https://")) {
                        return "must be an http(s) URL, was '" + value + "'";
                    }
                }
                default -> {
                }
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "must be a " + type + ", was '" + value + "'";
        }
    }

    private static void require(boolean condition, String location, String property, String problem) {
        if (!condition) {
            throw new ConnectorConfigurationException(location, property, problem);
        }
    }
}
