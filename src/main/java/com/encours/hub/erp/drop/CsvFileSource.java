package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CSV files dropped in a directory by an ERP without an API (protocol {@code csv-file}): a header line,
 * then one line per open item with its customer's columns, quoted as RFC 4180 says. The connector's
 * column map says which column is which; each line gives a debtor (once per customer) and an open item
 * in the shape of a drop record, values as written, for the file-drop mappings to read.
 */
@Component
public class CsvFileSource extends SnapshotFileSource {

    static final String PROTOCOL = "csv-file";

    private final HubProperties hub;

    public CsvFileSource(ConnectorCatalog catalog, SnapshotImport snapshots, HubProperties hub) {
        super(catalog, snapshots);
        this.hub = hub;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    protected void checkFormatProperties(ConnectorInstance connector) {
        columnMap(connector);
    }

    @Override
    protected long read(Path file, ConnectorInstance connector, RecordVisitor visitor) throws IOException {
        CsvColumnMap map = columnMap(connector);
        Map<String, String> layout = Map.of("dateFormat", map.dateFormat(), "decimalSeparator", map.decimalSeparator());
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(map.delimiterCharacter()).setHeader()
                .setSkipHeaderRecord(true).setIgnoreEmptyLines(true).setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
                .get();
        try (Reader text = DropFiles.openText(file, DropSettings.of(connector).charset());
             CSVParser parser = parse(format, text)) {
            List<String> header = parser.getHeaderNames();
            List<String> missing = map.missingFrom(header);
            if (!missing.isEmpty()) {
                throw new DropFileRefusedException("the header lacks the column(s) " + missing + " the column map "
                        + connector.property("columnMap") + " names; it has " + header);
            }
            Lines lines = new Lines(parser);
            long dataRows = 0;
            // a line is given out once the next one is read: the last one may be the trailer
            Line held = null;
            while (lines.hasNext()) {
                Line line = lines.next();
                if (held != null) {
                    give(held, header.size(), map, layout, visitor);
                    dataRows++;
                }
                held = line;
            }
            if (map.trailer() == null) {
                if (held != null) {
                    give(held, header.size(), map, layout, visitor);
                    dataRows++;
                }
                return dataRows;
            }
            checkTrailer(held, map.trailer(), dataRows);
            return dataRows;
        }
    }

    private static void give(Line line, int columns, CsvColumnMap map, Map<String, String> layout, RecordVisitor visitor) {
        CSVRecord record = line.record();
        if (record.size() != columns) {
            visitor.malformed(line.number(), () -> DropFiles.record(line.number(), Map.of("problem",
                    "has " + record.size() + " fields, the header has " + columns, "line", String.join("|", record.values())),
                    Map.of()));
            return;
        }
        String key = map.itemKey().stream().map(column -> record.get(column).trim()).collect(Collectors.joining("/"));
        if (map.itemKey().stream().anyMatch(column -> record.get(column).isBlank())) {
            visitor.malformed(line.number(), () -> DropFiles.record(line.number(), Map.of("problem",
                    "no item key: " + map.itemKey() + " must not be blank"), Map.of()));
            return;
        }
        String debtorRef = record.get(map.debtor().get("debtorRef")).trim();
        if (!debtorRef.isEmpty()) {
            visitor.debtor(debtorRef, () -> DropFiles.record(line.number(), fields(record, map.debtor(), map), Map.of()));
        }
        visitor.openItem(line.number(), key, () -> {
            Map<String, String> extra = new LinkedHashMap<>(layout);
            extra.put("sourceItemKey", key);
            return DropFiles.record(line.number(), fields(record, map.openItem(), map), extra);
        });
    }

    private static Map<String, String> fields(CSVRecord record, Map<String, String> columns, CsvColumnMap map) {
        Map<String, String> fields = new LinkedHashMap<>();
        columns.forEach((field, column) -> fields.put(field, map.translate(field, record.get(column))));
        return fields;
    }

    private static void checkTrailer(Line last, String label, long dataRows) {
        if (last == null || !label.equals(last.record().get(0).trim())) {
            throw new DropFileRefusedException("no trailer line: the file should end with a line " + label
                    + " and its count of data lines; it looks cut short, nothing was applied");
        }
        String written = last.record().size() > 1 ? last.record().get(1).trim() : "";
        if (!written.equals(Long.toString(dataRows))) {
            throw new DropFileRefusedException("the trailer says " + written + " data lines, the file holds " + dataRows
                    + ": it looks cut short, nothing was applied");
        }
    }

    private static CSVParser parse(CSVFormat format, Reader text) throws IOException {
        try {
            return CSVParser.builder().setFormat(format).setReader(text).get();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new DropFileRefusedException("no usable header: " + e.getMessage());
        }
    }

    private CsvColumnMap columnMap(ConnectorInstance connector) {
        Path file = DropFiles.layoutFile(hub, connector, "columnMap");
        CsvColumnMap map;
        try {
            map = CsvColumnMap.read(file);
        } catch (IOException e) {
            throw DropSettings.invalid(connector, "columnMap", file + " is not a column map: " + e.getMessage());
        }
        List<String> problems = map.problems();
        if (!problems.isEmpty()) {
            throw DropSettings.invalid(connector, "columnMap", file + ": " + String.join("; ", problems));
        }
        return map;
    }

    /** One CSV line, with the number of the file line it ends on (the header is line 1). */
    private record Line(CSVRecord record, long number) {
    }

    /** The parser's records, a quoting error refusing the whole file with the line it is on. */
    private static final class Lines {

        private final CSVParser parser;
        private final Iterator<CSVRecord> records;

        Lines(CSVParser parser) {
            this.parser = parser;
            this.records = parser.iterator();
        }

        boolean hasNext() {
            try {
                return records.hasNext();
            } catch (UncheckedIOException | IllegalStateException e) {
                throw new DropFileRefusedException("line " + parser.getCurrentLineNumber() + " cannot be read as CSV: "
                        + e.getMessage() + "; nothing was applied");
            }
        }

        Line next() {
            return new Line(records.next(), parser.getCurrentLineNumber());
        }
    }
}
