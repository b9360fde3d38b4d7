package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** What the drop formats share: opening a text file, finding a layout file, writing a raw record. */
public final class DropFiles {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final ObjectMapper JSON = new ObjectMapper();

    private DropFiles() {
    }

    /** The file as text; a UTF-8 byte order mark says what the file is, whatever the connector's encoding says. */
    public static Reader openText(Path file, Charset configured) throws IOException {
        PushbackInputStream bytes = new PushbackInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                UTF8_BOM.length);
        try {
            byte[] start = new byte[UTF8_BOM.length];
            int read = bytes.readNBytes(start, 0, start.length);
            if (read == UTF8_BOM.length && Arrays.equals(start, UTF8_BOM)) {
                return new InputStreamReader(bytes, StandardCharsets.UTF_8);
            }
            if (read > 0) {
                bytes.unread(start, 0, read);
            }
            return new InputStreamReader(bytes, configured);
        } catch (IOException e) {
            bytes.close();
            throw e;
        }
    }

    /**
     * The layout file (column map, stylesheet) a connector property names, under {@code mappings/}; a path
     * that leaves that directory or names no file stops the hub, naming the property.
     */
    public static Path layoutFile(HubProperties hub, ConnectorInstance connector, String property) {
        Path mappings = hub.getHome().resolve("mappings").toAbsolutePath().normalize();
        String value = connector.property(property);
        Path file = mappings.resolve(value.trim()).normalize();
        if (!file.startsWith(mappings) || !Files.isRegularFile(file)) {
            throw DropSettings.invalid(connector, property, "must name a file under " + mappings + ", was '" + value + "'");
        }
        return file;
    }

    /**
     * A raw record for the connector's mapping: its fields, then what the source adds (its number in the file,
     * its key, the file's formats), which a field of the same name cannot override.
     */
    public static String record(long number, Map<String, String> fields, Map<String, String> extra) {
        ObjectNode record = JSON.createObjectNode();
        fields.forEach(record::put);
        extra.forEach(record::put);
        record.put("recordNumber", number);
        return write(record);
    }

    static String write(ObjectNode record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings must serialise", e);
        }
    }
}
