package com.encours.hub.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One case of the bad-input corpus: a YAML file under {@code src/test/resources/bad-input/<entry>/}. The
 * directory is the index: adding a case is adding a file (format in {@code bad-input/README.md}).
 *
 * @param entry  where the input enters the hub: erp-record, erp-page, queue, bureau, http
 * @param name   the file name without extension, unique within its entry
 * @param number a document number unique to the case ({@code BAD-<entry initials>-<name>}, max 64 chars)
 */
public record BadInputCase(String entry, String name, String number, String description, JsonNode spec) {

    private static final YAMLMapper YAML = new YAMLMapper();
    /** ${hex:C3 28}, ${repeat:N:text} (text without '}'), ${variable}. */
    private static final Pattern TOKEN = Pattern.compile("\\$\\{(hex|repeat):([^}]*)}|\\$\\{(\\w+)}");

    public static List<BadInputCase> load(String entry) {
        try {
            Resource[] files = new PathMatchingResourcePatternResolver()
                    .getResources("classpath:bad-input/" + entry + "/*.yaml");
            List<BadInputCase> cases = new ArrayList<>();
            for (Resource file : files) {
                String name = file.getFilename().replaceFirst("\\.yaml$", "");
                JsonNode spec = YAML.readTree(file.getInputStream());
                String number = ("BAD-" + entry.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "").substring(0, 3)
                        + "-" + name).toUpperCase(Locale.ROOT);
                cases.add(new BadInputCase(entry, name, number.length() > 64 ? number.substring(0, 64) : number,
                        spec.path("description").asText(name), spec));
            }
            cases.sort(Comparator.comparing(BadInputCase::name));
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode expect() {
        return spec.path("expect");
    }

    public String outcome() {
        return expect().path("outcome").asText();
    }

    /** Substrings the reason must hold, case-insensitively. */
    public List<String> reasons() {
        JsonNode reason = expect().path("reason");
        List<String> all = new ArrayList<>();
        if (reason.isArray()) {
            reason.forEach(r -> all.add(r.asText()));
        } else if (!reason.isMissingNode()) {
            all.add(reason.asText());
        }
        return all;
    }

    /** The text that identifies this case's input among quarantined messages. */
    public String marker() {
        // the number and its closing quote: BAD-ERP-AMOUNT-NEGATIVE must not find BAD-ERP-AMOUNT-NEGATIVE-TOTAL
        return spec.path("marker").asText(number + "\"");
    }

    /** Expands ${hex:..}, ${repeat:N:..} and ${name} (number, id and any given variable) into bytes. */
    public byte[] expand(String template, Map<String, String> variables) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher m = TOKEN.matcher(template);
        int last = 0;
        while (m.find()) {
            out.writeBytes(template.substring(last, m.start()).getBytes(StandardCharsets.UTF_8));
            if ("hex".equals(m.group(1))) {
                out.writeBytes(HexFormat.of().parseHex(m.group(2).replace(" ", "")));
            } else if ("repeat".equals(m.group(1))) {
                String[] parts = m.group(2).split(":", 2);
                byte[] unit = parts[1].getBytes(StandardCharsets.UTF_8);
                for (int i = Integer.parseInt(parts[0]); i > 0; i--) {
                    out.writeBytes(unit);
                }
            } else {
                String variable = m.group(3);
                String value = variable.equals("number") ? number : variable.equals("id") ? "id-" + number
                        : variables.get(variable);
                if (value == null) {
                    throw new IllegalArgumentException(entry + "/" + name + ": unknown variable ${" + variable + "}");
                }
                out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
            last = m.end();
        }
        out.writeBytes(template.substring(last).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    public String expandText(String template, Map<String, String> variables) {
        return new String(expand(template, variables), StandardCharsets.UTF_8);
    }

    /**
     * An erp-record case's Business Central record: {@code raw} as given, or a valid posted invoice with the
     * case's {@code set} (field: raw JSON text), {@code remove} (field names) and {@code append} (raw text).
     */
    public byte[] erpRecord() {
        Map<String, String> vars = Map.of();
        if (spec.has("raw")) {
            return expand(spec.get("raw").asText(), vars);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", "\"${id}\"");
        fields.put("number", "\"${number}\"");
        fields.put("invoiceDate", "\"2026-11-01\"");
        fields.put("postingDate", "\"2026-11-01\"");
        fields.put("dueDate", "\"2026-12-01\"");
        fields.put("customerNumber", "\"C10000\"");
        fields.put("customerName", "\"Bad input test\"");
        fields.put("billToCustomerNumber", "\"C10000\"");
        fields.put("currencyCode", "\"EUR\"");
        fields.put("status", "\"Open\"");
        fields.put("remainingAmount", "100");
        fields.put("totalAmountIncludingTax", "121");
        fields.put("lastModifiedDateTime", "\"2026-11-01T10:00:00Z\"");
        spec.path("set").fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
        spec.path("remove").forEach(name -> fields.remove(name.asText()));
        StringBuilder text = new StringBuilder("{");
        fields.forEach((name, value) -> text.append(text.length() > 1 ? "," : "").append('"').append(name)
                .append("\":").append(value));
        if (spec.has("append")) {
            text.append(',').append(spec.get("append").asText());
        }
        return expand(text.append('}').toString(), vars);
    }

    @Override
    public String toString() {
        return entry + "/" + name;
    }
}
