package com.encours.hub.core.mapping;

import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.JException;
import com.encours.hub.config.HubProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs the JSONata mappings under {@code mappings/} (the one mapping engine for JSON partners).
 * Input numbers are read as BigDecimal and passed through untouched, so a mapping that copies an
 * amount never turns it into a double; mappings must not compute with amounts.
 */
@Component
public class JsonataMapper {

    private final Path mappingsDir;
    private final ObjectMapper json;
    /** A compiled expression keeps evaluation state, so each thread gets its own copy. */
    private final ThreadLocal<Map<String, Compiled>> compiled = ThreadLocal.withInitial(HashMap::new);

    public JsonataMapper(HubProperties properties, ObjectMapper objectMapper) {
        this.mappingsDir = properties.getHome().resolve("mappings");
        this.json = objectMapper.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * Maps a partner JSON document with the mapping at {@code mappingPath} (relative to mappings/).
     *
     * @param bindings variables the mapping can read as {@code $name}, e.g. the connector id
     * @throws MappingException when the input is not JSON or the mapping fails on it
     */
    public Object map(String mappingPath, String partnerJson, Map<String, ?> bindings) {
        Object input;
        try {
            input = json.readValue(partnerJson, Object.class);
        } catch (JsonProcessingException e) {
            throw new MappingException(mappingPath, "input is not valid JSON: " + e.getOriginalMessage());
        }
        return mapValue(mappingPath, input, bindings);
    }

    /** Same as {@link #map(String, String, Map)} for an input already parsed into maps and lists. */
    public Object mapValue(String mappingPath, Object input, Map<String, ?> bindings) {
        Compiled mapping = compiled.get().computeIfAbsent(mappingPath, path -> new Compiled(compile(path), new HashSet<>()));
        // Variables are assigned on the (per-thread) expression itself: evaluate(input, frame) chains one
        // more frame onto the expression's environment at every call, so each variable lookup, and the
        // whole mapping, got slower with every record mapped since startup (quadratic over an extract).
        for (String stale : mapping.assigned()) {
            if (!bindings.containsKey(stale)) {
                mapping.expression().assign(stale, null);
            }
        }
        bindings.forEach((name, value) -> mapping.expression().assign(name, value));
        mapping.assigned().addAll(bindings.keySet());
        try {
            Object result = mapping.expression().evaluate(input);
            if (result == null) {
                throw new MappingException(mappingPath, "mapping produced nothing for this input");
            }
            return result;
        } catch (JException | ClassCastException | IllegalArgumentException e) {
            throw new MappingException(mappingPath, "mapping failed: " + e.getMessage());
        }
    }

    private record Compiled(Jsonata expression, Set<String> assigned) {
    }

    /** Converts a mapping result into a canonical type. */
    public <T> T convert(Object mapped, Class<T> type) {
        return json.convertValue(mapped, type);
    }

    private Jsonata compile(String mappingPath) {
        Path file = mappingsDir.resolve(mappingPath).normalize();
        if (!file.startsWith(mappingsDir.normalize())) {
            throw new MappingException(mappingPath, "mapping path leaves the mappings directory");
        }
        try {
            return Jsonata.jsonata(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read mapping " + file, e);
        } catch (JException e) {
            throw new MappingException(mappingPath, "mapping does not compile: " + e.getMessage());
        }
    }
}
