package com.encours.hub.erp.exact;

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
 * The golden records the Exact Online mappings must refuse: {@code <mapping>.<case>.refused.json} beside the
 * golden pairs, refused with a reason that contains {@code <mapping>.<case>.reason.txt}, so that ops read
 * in the quarantine what is wrong with the record.
 */
class ExactOnlineRefusedRecordsTest {

    private static final Path GOLDEN = Path.of("mappings/erp/exact-online/golden");
    private static final String REFUSED_SUFFIX = ".refused.json";

    @TestFactory
    Stream<DynamicTest> everyRefusedRecordIsRefusedWithItsReason() throws IOException {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        HubProperties home = new HubProperties();
        home.setHome(".");
        JsonataMapper mapper = new JsonataMapper(home, json);
        Map<String, Object> bindings = json.readValue(GOLDEN.resolve("bindings.json").toFile(),
                new TypeReference<Map<String, Object>>() { });
        List<Path> refused;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            refused = files.filter(f -> f.getFileName().toString().endsWith(REFUSED_SUFFIX)).sorted().toList();
        }
        assertThat(refused).as("refused records under %s", GOLDEN).isNotEmpty();
        return refused.stream().map(input -> {
            String stem = input.getFileName().toString().substring(0,
                    input.getFileName().toString().length() - REFUSED_SUFFIX.length());
            String mapping = "erp/exact-online/" + stem.substring(0, stem.indexOf('.')) + ".jsonata";
            return DynamicTest.dynamicTest(stem, input.toUri(), () -> {
                String reason = Files.readString(GOLDEN.resolve(stem + ".reason.txt")).trim();
                assertThatThrownBy(() -> mapper.map(mapping, Files.readString(input), bindings))
                        .isInstanceOf(MappingException.class).hasMessageContaining(reason);
            });
        });
    }
}
