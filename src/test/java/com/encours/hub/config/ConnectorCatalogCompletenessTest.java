package com.encours.hub.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What adding a partner takes, checked for every descriptor under {@code connectors/}: the descriptor is
 * valid, every property that holds a credential is marked secret, every mapping it names exists with golden
 * pairs, the default run's sandbox has an instance of it (its simulator fixture), and a contract test or
 * integration test exercises it by its id.
 */
class ConnectorCatalogCompletenessTest {

    private static final Path HOME = Path.of(".");
    /** Property names that hold a credential, whatever the partner calls it. */
    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(secret|password|token|apikey|api_key|privatekey).*");
    private static final Pattern CONTRACT_TEST = Pattern.compile(".*(ContractTest|IT)\\.java");

    @TestFactory
    Stream<DynamicTest> everyConnectorIsComplete() throws IOException {
        Map<String, ConnectorDescriptor> descriptors = ConnectorCatalog.loadDescriptors(HOME.resolve("connectors"));
        assertThat(descriptors).isNotEmpty();
        String sandbox = Files.readString(HOME.resolve("src/main/resources/application-sandbox.yaml"));
        List<Path> contractTests;
        try (Stream<Path> files = Files.walk(HOME.resolve("src/test/java"))) {
            contractTests = files.filter(f -> CONTRACT_TEST.matcher(f.getFileName().toString()).matches()).toList();
        }
        return descriptors.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(entry ->
                DynamicTest.dynamicTest(entry.getKey(), () -> check(entry.getKey(), entry.getValue(), sandbox, contractTests)));
    }

    private static void check(String id, ConnectorDescriptor descriptor, String sandbox, List<Path> contractTests)
            throws IOException {
        assertThat(descriptor.metadata().title()).as("%s metadata.title", id).isNotBlank();
        assertThat(descriptor.spec().protocol()).as("%s spec.protocol", id).isNotBlank();
        descriptor.spec().definition().properties().forEach((name, property) -> {
            assertThat(property.title()).as("%s property %s: title", id, name).isNotBlank();
            assertThat(property.type()).as("%s property %s: type", id, name).isNotBlank();
            if (CREDENTIAL.matcher(name).matches() && !"url".equals(property.type())) { // tokenUrl is an address
                assertThat(property.isSecret()).as("%s property %s holds a credential: format password", id, name).isTrue();
            }
        });
        assertThat(descriptor.spec().mappings()).as("%s spec.mappings", id).isNotEmpty();
        for (String mapping : descriptor.spec().mappings().values()) {
            Path file = HOME.resolve("mappings").resolve(mapping);
            assertThat(file).as("%s mapping", id).exists();
            String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            try (Stream<Path> golden = Files.list(file.resolveSibling("golden"))) {
                assertThat(golden.map(f -> f.getFileName().toString())
                        .filter(f -> f.startsWith(stem + ".") && f.endsWith(".input.json")))
                        .as("%s: golden pairs of %s", id, mapping).isNotEmpty();
            }
        }
        assertThat(sandbox).as("%s: an instance in the default run's sandbox (application-sandbox.yaml)", id)
                .containsPattern("descriptor: " + Pattern.quote(id) + "\\s");
        List<Path> exercising = contractTests.stream().filter(test -> mentions(test, "\"" + id + "\"")).toList();
        assertThat(exercising).as("%s: a *ContractTest or *IT that loads it by its id", id).isNotEmpty();
    }

    private static boolean mentions(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
