package com.encours.hub.core.mapping;

import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.JException;
import com.encours.hub.config.HubProperties;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the JSONata mappings under {@code mappings/} (the one mapping engine for JSON partners).
 * Input numbers are read as BigDecimal and passed through untouched, so a mapping that copies an
 * amount never turns it into a double; mappings must not compute with amounts.
 */
@Component
public class JsonataMapper {

    private static final char REPLACEMENT_CHARACTER = '\uFFFD';
    /** The expression's current frame (not public in dashjoin-jsonata 0.9.9); null if it cannot be reached. */
    private static final Field ENVIRONMENT = environmentField();

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

    private record Compiled(Jsonata expression, Object rootFrame) {
    }

    public JsonataMapper(HubProperties properties, ObjectMapper objectMapper) {
        this.mappingsDir = properties.getHome().resolve("mappings");
        this.json = objectMapper.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        // Two values for one key: which one the sender meant is anybody's guess, so the record is refused.
        this.json.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // 2026-02-30T00:00:00Z is not a date: a date field takes yyyy-MM-dd and nothing else.
        this.json.configOverride(LocalDate.class).setFormat(JsonFormat.Value.forLeniency(false));
    }

    /**
     * Maps a partner JSON document with the mapping at {@code mappingPath} (relative to mappings/).
     *
     * @param bindings variables the mapping can read as {@code $name}, e.g. the connector id
     * @throws MappingException when the input is not JSON or the mapping fails on it
     */
    public Object map(String mappingPath, String partnerJson, Map<String, ?> bindings) {
        if (partnerJson == null || partnerJson.isBlank()) {
            throw new MappingException(mappingPath, "input is empty");
        }
        int replaced = partnerJson.indexOf(REPLACEMENT_CHARACTER);
        if (replaced >= 0) {
            throw new MappingException(mappingPath, "input holds bytes that are not valid in its charset (UTF-8 "
                    + "expected), at character " + replaced);
        }
        Object input;
        try {
            input = json.readValue(partnerJson, Object.class);
        } catch (JsonProcessingException e) {
            throw new MappingException(mappingPath, "input is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(input instanceof Map)) {
            throw new MappingException(mappingPath, "input is a JSON " + kind(input) + ", not an object");
        }
        Object result = mapValue(mappingPath, input, bindings);
        checkText(mappingPath, result, "");
        return result;
    }

    private static String kind(Object value) {
        return value == null ? "null" : value instanceof List ? "array" : value instanceof String ? "string"
                : value instanceof Boolean ? "boolean" : "number";
    }

    /**
     * Control characters (other than tab and line breaks) in a mapped text are never data: they come from
     * a broken export, and PostgreSQL refuses U+0000 outright. The record is refused, naming the field.
     */
    private static void checkText(String mappingPath, Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> checkText(mappingPath, child, path.isEmpty() ? String.valueOf(key) : path + "." + key));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkText(mappingPath, list.get(i), path + "[" + i + "]");
            }
        } else if (value instanceof String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f) {
                    throw new MappingException(mappingPath, "field " + path + " holds the control character U+"
                            + String.format(Locale.ROOT, "%04X", (int) c) + " at position " + i);
                }
            }
        }
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
        } catch (JException | ClassCastException | IllegalArgumentException | DateTimeException e) {
            // $toMillis with a picture throws the JDK's DateTimeException for a day that does not exist
            throw new MappingException(mappingPath, "mapping failed: " + e.getMessage());
        }
    }

    /**
     * Converts a mapping result into a canonical type.
     *
     * @throws IllegalArgumentException when the result does not fit the type (a wrong type, an unknown
     *                                  currency, an impossible date)
     */
    public <T> T convert(Object mapped, Class<T> type) {
        try {
            return json.convertValue(mapped, type);
        } catch (IllegalArgumentException e) {
            // name the field: "Cannot deserialize LocalDate from 20261230" alone does not say which date
            if (e.getCause() instanceof JsonMappingException cause && !cause.getPath().isEmpty()) {
                String field = cause.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[");
                throw new IllegalArgumentException(field + ": " + cause.getOriginalMessage());
            }
            throw e;
        }
    }

    private static Field environmentField() {
        try {
            Field field = Jsonata.class.getDeclaredField("environment");
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
