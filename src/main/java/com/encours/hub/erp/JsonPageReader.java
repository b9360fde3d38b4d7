package com.encours.hub.erp;

import com.encours.hub.core.partner.PartnerException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a page of ERP records in one streaming pass and hands each record over as the exact text the ERP
 * sent, with a few of its top-level field texts for paging. The mapping then sees duplicate keys, number
 * spellings and control characters as they are, and refuses that record alone. What makes the page itself
 * unreadable fails the whole page with a {@link PartnerException} that says where, never what the body
 * holds: it is customer data and stays out of logs and messages.
 * <p>
 * Failures read {@code <subject> answered <problem>}; the subject is the source's name for the call
 * ({@code GET /path}, {@code search_read on res.partner}).
 */
public final class JsonPageReader {

    /** An ERP record is a flat or shallow object: deep nesting or huge numbers are not a record. */
    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 1000;

    // Raw control characters are let through so that the one record holding them is refused by its
    // mapping instead of the whole page failing. Numbers are never parsed: "1e999999999" stays text.
    private static final JsonMapper PAGE_PARSER = JsonMapper.builder(limitedFactory())
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    private JsonPageReader() {
    }

    /** A JSON factory with the nesting and number-length limits of a page. */
    public static JsonFactory limitedFactory() {
        return JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).build()).build();
    }

    /** Reads the top level of a page, the parser standing on its opening token. */
    @FunctionalInterface
    public interface PageBody<T> {
        T read(JsonParser parser) throws IOException;
    }

    /**
     * Reads {@code body}, which must be one JSON document opening with {@code opening} (an object or an
     * array), with {@code reading}; refuses an empty body, another opening, a second document and invalid
     * JSON.
     */
    public static <T> T read(String connectorId, String subject, String body, JsonToken opening, PageBody<T> reading) {
        if (body == null || body.isBlank()) {
            throw refused(connectorId, subject, "an empty body");
        }
        try (JsonParser parser = PAGE_PARSER.createParser(body)) {
            if (parser.nextToken() != opening) {
                throw refused(connectorId, subject, "a body that is not a JSON "
                        + (opening == JsonToken.START_ARRAY ? "array" : "object"));
            }
            T page = reading.read(parser);
            if (parser.nextToken() != null) {
                throw refused(connectorId, subject, "more than one JSON document");
            }
            return page;
        } catch (JsonProcessingException e) {
            throw invalidJson(connectorId, subject, e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /**
     * Reads an OData V2 JSON page, {@code {"d":{"__count":"…","results":[…],"__next":"…"}}}: the elements of
     * {@code results} with the {@code keep} fields (see {@link #elements}), the {@code __next} link and the count.
     */
    public static ODataPage readOData(String connectorId, String subject, String body, Map<String, JsonToken> keep) {
        ODataPage page = read(connectorId, subject, body, JsonToken.START_OBJECT, parser -> {
            List<RawElement> results = null;
            String next = null;
            Long count = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean envelope = parser.currentName().equals("d");
                if (parser.nextToken() != JsonToken.START_OBJECT || !envelope) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken token = parser.nextToken();
                    if (field.equals("results") && token == JsonToken.START_ARRAY) {
                        results = elements(parser, body, keep);
                    } else if (field.equals("__next") && token == JsonToken.VALUE_STRING) {
                        next = parser.getText();
                    } else if (field.equals("__count") && (token == JsonToken.VALUE_STRING
                            || token == JsonToken.VALUE_NUMBER_INT)) {
                        count = count(parser.getText());
                    } else if (field.equals("results") || field.equals("__next") && token != JsonToken.VALUE_NULL) {
                        throw refused(connectorId, subject, "a " + field + " of the wrong JSON type");
                    } else {
                        parser.skipChildren();
                    }
                }
            }
            return new ODataPage(results, next, count);
        });
        if (page.results() == null) {
            throw refused(connectorId, subject, "a body without d.results");
        }
        return page;
    }

    /**
     * Reads the elements of the array the parser stands on, to its end. Each is kept verbatim, with the
     * text of each top-level field named in {@code keep} whose value is of the token type given there. No
     * value is converted: a number such as 1e999999999 stays unparsed text for the mapping.
     */
    public static List<RawElement> elements(JsonParser parser, String body, Map<String, JsonToken> keep) throws IOException {
        List<RawElement> elements = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            Map<String, String> fields = scanElement(parser, keep);
            elements.add(new RawElement(body.substring(start, (int) parser.currentLocation().getCharOffset()), fields));
        }
        return elements;
    }

    private static Map<String, String> scanElement(JsonParser parser, Map<String, JsonToken> keep) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT || keep.isEmpty()) {
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                parser.finishToken();   // a string is read lazily: its end is not known before
            }
            parser.skipChildren();
            return Map.of();
        }
        Map<String, String> fields = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value != null && value == keep.get(name)) {
                fields.put(name, parser.getText());
            } else {
                parser.skipChildren();
            }
        }
        return fields;
    }

    /** A record handed over, read as its page was read: control characters let through, the same limits. */
    public static JsonNode readRecord(String raw) throws JsonProcessingException {
        return PAGE_PARSER.readTree(raw);
    }

    /** The page, or another answer of the partner, cannot be used: {@code <subject> answered <problem>}. */
    public static PartnerException refused(String connectorId, String subject, String problem) {
        return new PartnerException(connectorId, 200, false, subject + " answered " + problem, null);
    }

    /** Only the position, and the limit when one was hit: never the body. */
    public static PartnerException invalidJson(String connectorId, String subject, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        String limit = e instanceof StreamConstraintsException ? ": " + e.getOriginalMessage() : "";
        return refused(connectorId, subject, "invalid JSON" + where + limit);
    }

    /** One element of a page's record array: its exact text and the top-level field texts kept. */
    public record RawElement(String raw, Map<String, String> fields) {

        /** The field's text, or "" when the record has none of the type asked. */
        public String field(String name) {
            return fields.getOrDefault(name, "");
        }
    }

    /**
     * An OData V2 page: its results as sent, its {@code __next} link and, when asked with
     * {@code $inlinecount=allpages}, how many records the whole query holds ({@code __count}), if any.
     */
    public record ODataPage(List<RawElement> results, String next, Long count) {
    }

    /** OData V2 writes __count as a string of digits; anything else says nothing. */
    private static Long count(String text) {
        try {
            long count = Long.parseLong(text.trim());
            return count >= 0 ? count : null;
        } catch (NumberFormatException notACount) {
            return null;
        }
    }
}
