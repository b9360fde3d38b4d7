package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.env.StandardEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs every golden file of a drop layout: {@code mappings/**}{@code /golden/<layout>.<case>.input.csv} is read
 * with the column map {@code <layout>.columns.json} of the parent directory ({@code .input.xml} with the
 * stylesheet {@code <layout>.xsl}) and must give the drop records of {@code <layout>.<case>.expected.json},
 * or be refused whole with a reason containing {@code <layout>.<case>.reason.txt}. A new layout's files are
 * picked up without touching this test.
 */
class DropLayoutGoldenTest {

    private static final Path MAPPINGS = Path.of("mappings");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyLayoutGoldenFileGivesItsRecordsOrItsRefusal() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.walk(MAPPINGS)) {
            inputs = files.filter(Files::isRegularFile)
                    .filter(f -> f.getParent().getFileName().toString().equals("golden"))
                    .filter(f -> f.getFileName().toString().matches(".+\\.input\\.(csv|xml)")).sorted().toList();
        }
        assertThat(inputs).as("layout golden files").isNotEmpty();
        return inputs.stream().map(input -> DynamicTest.dynamicTest(MAPPINGS.relativize(input).toString(), input.toUri(),
                () -> check(input)));
    }

    private static void check(Path input) throws IOException {
        String name = input.getFileName().toString();
        String stem = name.substring(0, name.indexOf(".input."));
        String layout = stem.substring(0, stem.indexOf('.'));
        boolean csv = name.endsWith(".csv");
        Path layoutFile = input.getParent().resolveSibling(layout + (csv ? ".columns.json" : ".xsl"));
        assertThat(layoutFile).as("layout of %s", input).exists();
        SnapshotFileSource source = csv ? new CsvFileSource(null, null, hub()) : new XmlFileSource(null, null, hub());
        ConnectorInstance connector = connector(csv ? "erp/csv-drop" : "erp/xml-drop", csv ? "columnMap" : "stylesheet",
                MAPPINGS.relativize(layoutFile).toString());
        Path reason = input.resolveSibling(stem + ".reason.txt");
        if (Files.exists(reason)) {
            assertThatThrownBy(() -> source.read(input, connector, new Collected()))
                    .isInstanceOf(DropFileRefusedException.class)
                    .hasMessageContaining(Files.readString(reason).strip());
            return;
        }
        Collected records = new Collected();
        long dataRows = source.read(input, connector, records);
        JsonNode expected = JSON.readTree(input.resolveSibling(stem + ".expected.json").toFile());
        if (!expected.equals(records.document)) { // fields in any order; shown as text for a readable difference
            assertThat(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(records.document))
                    .as("records of %s", input)
                    .isEqualTo(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
        }
        assertThat(dataRows).as("data rows of %s", input)
                .isGreaterThanOrEqualTo(expected.get("openItems").size() + expected.get("malformed").size());
    }

    private static HubProperties hub() {
        HubProperties hub = new HubProperties();
        hub.setHome(".");
        return hub;
    }

    private static ConnectorInstance connector(String descriptor, String layoutProperty, String layoutPath) {
        HubProperties properties = hub();
        HubProperties.ConnectorInstanceProperties instance = new HubProperties.ConnectorInstanceProperties();
        instance.setDescriptor(descriptor);
        instance.getProperties().putAll(Map.of("inbox", "target/golden-inbox", "company", "ACME",
                layoutProperty, layoutPath));
        properties.getConnectors().put("golden", instance);
        return new ConnectorCatalog(properties, new StandardEnvironment()).instance("golden");
    }

    /** The records a read gives, in the shape of the expected files. */
    private static final class Collected implements RecordVisitor {

        final ObjectNode document = JSON.createObjectNode();
        private final ArrayNode debtors = document.putArray("debtors");
        private final ArrayNode openItems = document.putArray("openItems");
        private final ArrayNode malformed = document.putArray("malformed");
        private final Set<String> seen = new HashSet<>();

        @Override
        public void debtor(String identity, Supplier<String> record) {
            if (seen.add(identity)) {
                debtors.add(parse(record.get()));
            }
        }

        @Override
        public void openItem(long number, String sourceItemKey, Supplier<String> record) {
            openItems.add(parse(record.get()));
        }

        @Override
        public void malformed(long number, Supplier<String> record) {
            malformed.add(parse(record.get()));
        }

        private static JsonNode parse(String record) {
            try {
                return JSON.readTree(record);
            } catch (IOException e) {
                throw new IllegalStateException("a drop record must be JSON: " + record, e);
            }
        }
    }
}
