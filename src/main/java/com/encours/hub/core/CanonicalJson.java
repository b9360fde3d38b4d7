package com.encours.hub.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Reads and writes canonical messages. Reading a message that is not what it claims to be is an
 * {@link InvalidMessageException} (quarantine, no retries); failing to write our own model is a bug.
 */
@Component
public class CanonicalJson {

    private final ObjectMapper json;

    public CanonicalJson(ObjectMapper json) {
        this.json = json;
    }

    public <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("not a canonical " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Canonical model must serialise: " + e.getOriginalMessage(), e);
        }
    }
}
