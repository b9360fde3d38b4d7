package com.encours.hub.erp.odoo;

import com.encours.hub.config.HubProperties;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The counterpart of the golden pairs: each {@code mappings/erp/odoo/refused/<mapping>.<case>.input.json}
 * must be refused by its mapping with a reason containing {@code <mapping>.<case>.reason.txt}, so that
 * ops see which field was wrong and the rest of the page goes on.
 */
class OdooMappingRefusalTest {

    private static final Path ODOO = Path.of("mappings", "erp", "odoo");
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @TestFactory
    Stream<DynamicTest> everyRefusedRecordIsRefusedWithItsReason() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(ODOO.resolve("refused"))) {
            inputs = files.filter(f -> f.getFileName().toString().endsWith(".input.json")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        HubProperties home = new HubProperties();
        home.setHome(".");
        JsonataMapper mapper = new JsonataMapper(home, JSON);
        Map<String, Object> bindings = JSON.readValue(ODOO.resolve("golden/bindings.json").toFile(),
                new TypeReference<Map<String, Object>>() { });
        return inputs.stream().map(input -> {
            String stem = input.getFileName().toString().replace(".input.json", "");
            String mapping = "erp/odoo/" + stem.substring(0, stem.indexOf('.')) + ".jsonata";
            return DynamicTest.dynamicTest(stem, input.toUri(), () -> {
                String reason = Files.readString(input.resolveSibling(stem + ".reason.txt")).strip();
                assertThatThrownBy(() -> mapper.map(mapping, Files.readString(input), bindings))
                        .isInstanceOf(MappingException.class).hasMessageContaining(reason);
            });
        });
    }
}
