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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the JSONata mappings under {@code mappings/} (the one mapping engine for JSON partners).
 * Input numbers are read as BigDecimal and passed through untouched, so a mapping that copies an
 * amount never turns it into a double; mappings must not compute with amounts.
 */
@Component
public class JsonataMapper {

    private final Path mappingsDir;
    private final ObjectMapper json;
    /** Mapping sources by path, each checked to compile once. */
    private final Map<String, String> sources = new ConcurrentHashMap<>();

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
        // A fresh expression per record: a compiled dashjoin expression keeps evaluation state, and reusing
        // one (with a frame per call, or with assign) chains one more frame onto its environment at every
        // evaluation, so each mapping got slower than the last: quadratic over an extract (10 000
        // invoices: minutes of CPU; a long-running hub slows down forever). Parsing costs ~0.1-0.2 ms.
        Jsonata expression = compile(mappingPath, sources.computeIfAbsent(mappingPath, this::read));
        bindings.forEach(expression::assign);
        try {
            Object result = expression.evaluate(input);
            if (result == null) {
                throw new MappingException(mappingPath, "mapping produced nothing for this input");
            }
            return result;
        } catch (JException | ClassCastException | IllegalArgumentException e) {
            throw new MappingException(mappingPath, "mapping failed: " + e.getMessage());
        }
    }

    /** Converts a mapping result into a canonical type. */
    public <T> T convert(Object mapped, Class<T> type) {
        return json.convertValue(mapped, type);
    }

    /** Reads the mapping and checks that it compiles. */
    private String read(String mappingPath) {
        Path file = mappingsDir.resolve(mappingPath).normalize();
        if (!file.startsWith(mappingsDir.normalize())) {
            throw new MappingException(mappingPath, "mapping path leaves the mappings directory");
        }
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read mapping " + file, e);
        }
        compile(mappingPath, source);
        return source;
    }

    private static Jsonata compile(String mappingPath, String source) {
        try {
            return Jsonata.jsonata(source);
        } catch (JException e) {
            throw new MappingException(mappingPath, "mapping does not compile: " + e.getMessage());
        }
    }
}
