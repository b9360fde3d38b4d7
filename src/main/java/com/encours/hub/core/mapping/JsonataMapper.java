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
import java.util.Map;

/**
 * Runs the JSONata mappings under {@code mappings/} (the one mapping engine for JSON partners).
 * Input numbers are read as BigDecimal and passed through untouched, so a mapping that copies an
 * amount never turns it into a double; mappings must not compute with amounts.
 */
@Component
public class JsonataMapper {

    private final Path mappingsDir;
    private final ObjectMapper json;
    /**
     * A compiled expression keeps evaluation state, so each thread gets its own copy. dashjoin-jsonata
     * 0.9.9 also keeps the last evaluation's frame as the parent of the next one: reused as it is, every
     * evaluation makes variable lookups one frame deeper (mapping time grew linearly with the number of
     * records mapped, ~30 ms per record after a few thousand). The root frame is put back before each
     * evaluation; if that is not possible, the expression is compiled again for each evaluation.
     */
    private final ThreadLocal<Map<String, Compiled>> compiled = ThreadLocal.withInitial(HashMap::new);
    private static final java.lang.reflect.Field ENVIRONMENT = environmentField();

    private record Compiled(Jsonata expression, Object rootFrame) {
    }

    private static java.lang.reflect.Field environmentField() {
        try {
            java.lang.reflect.Field field = Jsonata.class.getDeclaredField("environment");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private Jsonata fresh(String mappingPath) {
        Map<String, Compiled> cache = compiled.get();
        Compiled entry = cache.get(mappingPath);
        if (entry != null && ENVIRONMENT != null) {
            try {
                ENVIRONMENT.set(entry.expression(), entry.rootFrame());
                return entry.expression();
            } catch (IllegalAccessException e) {
                // fall through: compile again
            }
        }
        Jsonata expression = compile(mappingPath);
        Object root = null;
        if (ENVIRONMENT != null) {
            try {
                root = ENVIRONMENT.get(expression);
            } catch (IllegalAccessException e) {
                root = null;
            }
        }
        if (root != null) {
            cache.put(mappingPath, new Compiled(expression, root));
        }
        return expression;
    }

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
        Jsonata expression = fresh(mappingPath);
        Jsonata.Frame frame = expression.createFrame();
        bindings.forEach((name, value) -> frame.bind(name, (Object) value));
        try {
            Object result = expression.evaluate(input, frame);
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
