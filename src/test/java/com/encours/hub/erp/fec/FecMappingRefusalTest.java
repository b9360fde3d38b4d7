package com.encours.hub.erp.fec;

import com.encours.hub.config.HubProperties;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.OpenItem;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
 * Every case under {@code mappings/erp/fec/refused/}: the FEC record must be refused by its mapping with
 * the reason ops will read (see the README there). The accepted cases are golden pairs, run by
 * MappingGoldenTest.
 */
class FecMappingRefusalTest {

    private static final Path MAPPINGS = Path.of("mappings");
    private static final Path REFUSED = MAPPINGS.resolve("erp/fec/refused");
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @TestFactory
    Stream<DynamicTest> everyRefusedRecordIsRefusedWithItsReason() throws IOException {
        Map<String, Object> bindings = JSON.readValue(MAPPINGS.resolve("erp/fec/golden/bindings.json").toFile(),
                new TypeReference<>() { });
        HubProperties home = new HubProperties();
        home.setHome(".");
        JsonataMapper mapper = new JsonataMapper(home, JSON);
        List<Path> inputs;
        try (Stream<Path> files = Files.list(REFUSED)) {
            inputs = files.filter(f -> f.getFileName().toString().endsWith(".input.json")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        return inputs.stream().map(input -> {
            String stem = input.getFileName().toString().replace(".input.json", "");
            String mapping = "erp/fec/" + stem.substring(0, stem.indexOf('.')) + ".jsonata";
            return DynamicTest.dynamicTest(stem, input.toUri(), () -> {
                String reason = Files.readString(REFUSED.resolve(stem + ".reason.txt")).strip();
                assertThatThrownBy(() -> mapper.convert(mapper.map(mapping, Files.readString(input), bindings),
                        OpenItem.class))
                        .as("%s mapped with %s", input, mapping)
                        .isInstanceOfAny(MappingException.class, IllegalArgumentException.class)
                        .hasMessageContaining(reason);
            });
        });
    }
}
