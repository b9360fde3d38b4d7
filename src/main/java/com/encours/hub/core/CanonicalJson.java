package com.encours.hub.core;

import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.model.OpenItemVersion;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and writes canonical messages. Reading a message that is not what it claims to be is an
 * {@link InvalidMessageException} (quarantine, no retries); failing to write our own model is a bug.
 * <p>
 * What is read is validated like the ERP mapping validates it: a queue can be written to from outside the
 * hub, and a message that parses is not yet a valid record (a negative amount, a missing due date). An open
 * item's version is the hub's hash of its business fields, so it is computed here, never taken from the
 * sender.
 */
@Component
public class CanonicalJson {

    private final ObjectMapper json;
    private final Validator validator;

    public CanonicalJson(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    public <T> T read(String text, Class<T> type) {
        checkText(text, type);
        T value;
        try {
            value = json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": " + e.getMessage());
        }
        return checked(value, type);
    }

    /** A JSON array of canonical records, each checked as {@link #read} checks one. */
    public <T> List<T> readBatch(String text, Class<T> type) {
        checkText(text, type);
        List<T> values;
        try {
            values = json.readValue(text, json.getTypeFactory().constructCollectionType(List.class, type));
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not a batch of canonical " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
        return values.stream().map(value -> checked(value, type)).toList();
    }

    /** A batch (what the hub sends between its steps) or a single record (what a sender outside the hub may send). */
    public <T> List<T> readOneOrBatch(String text, Class<T> type) {
        return text != null && text.stripLeading().startsWith("[") ? readBatch(text, type) : List.of(read(text, type));
    }

    private static void checkText(String text, Class<?> type) {
        if (text == null || text.isBlank()) {
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": the message is empty");
        }
        int replaced = text.indexOf('\uFFFD');
        if (replaced >= 0) {
            // what the hub writes never holds U+FFFD: a sender's bytes were not UTF-8 and were replaced
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": holds bytes that are "
                    + "not valid UTF-8 (U+FFFD at character " + replaced + ")");
        }
    }

    /** Valid by the model's constraints, and an open item versioned by the hub, never by its sender. */
    private <T> T checked(T value, Class<T> type) {
        if (value == null) {
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": JSON null");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new InvalidMessageException("invalid canonical " + type.getSimpleName() + ": " + violations.stream()
                    .map(v -> v.getPropertyPath() + " " + v.getMessage() + " (was " + v.getInvalidValue() + ")")
                    .sorted().collect(Collectors.joining("; ")));
        }
        if (value instanceof OpenItem item) {
            return type.cast(item.withVersion(OpenItemVersion.of(item)));
        }
        return value;
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Canonical model must serialise: " + e.getOriginalMessage(), e);
        }
    }
}
