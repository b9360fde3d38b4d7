package com.encours.hub.core.mapping;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.OpenItem;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs every golden pair under {@code mappings/**}{@code /golden/}: {@code <mapping>.<case>.input.json} is
 * mapped with {@code <mapping>.jsonata} of the parent directory and must give
 * {@code <mapping>.<case>.expected.json}. Bindings come from {@code <mapping>.<case>.bindings.json}, else
 * from {@code golden/bindings.json}. A new partner's pairs are picked up without touching this test.
 * When a descriptor uses the mapping as its {@code debtor} or {@code openItem} mapping, the result must
 * also convert into that canonical record and pass its validation. Records a mapping must refuse live
 * under {@code mappings/**}{@code /refused/} with the reason expected.
 */
class MappingGoldenTest {

    private static final Path HOME = Path.of(".");
    private static final Path MAPPINGS = HOME.resolve("mappings");
    private static final String INPUT_SUFFIX = ".input.json";
    private static final Map<String, Class<?>> CANONICAL_BY_ROLE = Map.of("debtor", Debtor.class, "openItem", OpenItem.class);
    /** Amounts are equal when they are the same decimal; 12.50 and 12.5 are the same amount. */
    private static final Comparator<JsonNode> NUMBERS_AS_DECIMALS = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    // Stricter than the hub's ObjectMapper on purpose: a misspelt canonical field fails here.
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();

    @AfterAll
    static void closeValidation() {
        VALIDATION.close();
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenPairMapsToItsExpectedDocument() throws IOException {
        List<Path> inputs = inputsUnder("golden");
        assertThat(inputs).as("golden inputs under %s", MAPPINGS.toAbsolutePath()).isNotEmpty();
        JsonataMapper mapper = new JsonataMapper(hubHome(), JSON);
        Map<String, Class<?>> canonicalByMapping = canonicalTypeOfEachMapping();
        Validator validator = VALIDATION.getValidator();
        return inputs.stream().map(input -> {
            GoldenCase golden = GoldenCase.of(input);
            return DynamicTest.dynamicTest(golden.mappingPath() + " · " + golden.name(), input.toUri(),
                    () -> check(golden, mapper, canonicalByMapping.get(golden.mappingPath()), validator));
        });
    }

    /**
     * The other half of a mapping's contract: each {@code refused/<mapping>.<case>.input.json} must be
     * refused — by the mapping, the conversion to its canonical record or that record's validation — with
     * a reason containing {@code <mapping>.<case>.reason.txt}, the words ops will read in the quarantine.
     */
    @TestFactory
    Stream<DynamicTest> everyRefusedRecordIsRefusedWithItsReason() throws IOException {
        JsonataMapper mapper = new JsonataMapper(hubHome(), JSON);
        Map<String, Class<?>> canonicalByMapping = canonicalTypeOfEachMapping();
        Validator validator = VALIDATION.getValidator();
        return inputsUnder("refused").stream().map(input -> {
            GoldenCase refused = GoldenCase.of(input);
            return DynamicTest.dynamicTest(refused.mappingPath() + " · refuses " + refused.name(), input.toUri(), () -> {
                String reason = Files.readString(input.resolveSibling(refused.stem() + ".reason.txt")).strip();
                assertThat(refusal(refused, mapper, canonicalByMapping.get(refused.mappingPath()), validator))
                        .as("%s mapped with %s", input, refused.mappingPath()).isNotNull().contains(reason);
            });
        });
    }

    /** Why the record is refused, or null when it maps into a valid canonical record. */
    private static String refusal(GoldenCase refused, JsonataMapper mapper, Class<?> canonicalType, Validator validator)
            throws IOException {
        try {
            Object mapped = mapper.map(refused.mappingPath(), Files.readString(refused.input()), refused.bindings());
            if (canonicalType == null) {
                return null;
            }
            Set<? extends ConstraintViolation<?>> violations = validator.validate(mapper.convert(mapped, canonicalType));
            return violations.isEmpty() ? null : violations.stream()
                    .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining("; "));
        } catch (MappingException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static List<Path> inputsUnder(String directoryName) throws IOException {
        try (Stream<Path> files = Files.walk(MAPPINGS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(INPUT_SUFFIX))
                    .filter(f -> f.getParent().getFileName().toString().equals(directoryName))
                    .sorted().toList();
        }
    }

    private static void check(GoldenCase golden, JsonataMapper mapper, Class<?> canonicalType, Validator validator)
            throws IOException {
        assertThat(MAPPINGS.resolve(golden.mappingPath())).as("mapping of %s", golden.input()).exists();
        assertThat(golden.expected()).as("expected document of %s", golden.input()).exists();

        Object mapped = mapper.map(golden.mappingPath(), Files.readString(golden.input()), golden.bindings());

        assertNoBinaryFloatingPoint(mapped, "$");
        JsonNode actual = JSON.valueToTree(mapped);
        JsonNode expected = JSON.readTree(golden.expected().toFile());
        if (!expected.equals(NUMBERS_AS_DECIMALS, actual)) {
            assertThat(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual))
                    .as("%s mapped with %s", golden.input(), golden.mappingPath())
                    .isEqualTo(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
            fail("%s: numbers differ from %s", golden.input(), golden.expected());
        }
        if (canonicalType != null) {
            Object canonical = mapper.convert(mapped, canonicalType);
            Set<? extends ConstraintViolation<?>> violations = validator.validate(canonical);
            assertThat(violations.stream().map(v -> v.getPropertyPath() + " " + v.getMessage()).toList())
                    .as("%s as %s", golden.input(), canonicalType.getSimpleName()).isEmpty();
        }
    }

    /** A double in a mapping result means the mapping computed with an amount and may have lost a cent. */
    private static void assertNoBinaryFloatingPoint(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> assertNoBinaryFloatingPoint(child, path + "." + key));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                assertNoBinaryFloatingPoint(list.get(i), path + "[" + i + "]");
            }
        } else {
            assertThat(value).as("%s must stay an exact decimal", path).isNotInstanceOfAny(Double.class, Float.class);
        }
    }

    /** Which canonical record each mapping produces, from the roles the descriptors give it. */
    private static Map<String, Class<?>> canonicalTypeOfEachMapping() {
        Map<String, Class<?>> types = new HashMap<>();
        ConnectorCatalog.loadDescriptors(HOME.resolve("connectors")).values().stream()
                .filter(d -> d.spec().mappings() != null)
                .forEach(d -> d.spec().mappings().forEach((role, path) -> {
                    if (CANONICAL_BY_ROLE.containsKey(role)) {
                        types.put(path, CANONICAL_BY_ROLE.get(role));
                    }
                }));
        return types;
    }

    private static HubProperties hubHome() {
        HubProperties properties = new HubProperties();
        properties.setHome(HOME.toString());
        return properties;
    }

    /** A case under golden/ or refused/; refused cases take their bindings from the golden/ beside them. */
    private record GoldenCase(String mappingPath, String stem, String name, Path input, Path expected, Path bindingsFile) {

        static GoldenCase of(Path input) {
            String file = input.getFileName().toString();
            String stem = file.substring(0, file.length() - INPUT_SUFFIX.length());
            int dot = stem.indexOf('.');
            if (dot < 1 || dot == stem.length() - 1) {
                throw new IllegalArgumentException(input + " is not named <mapping>.<case>" + INPUT_SUFFIX);
            }
            String mapping = stem.substring(0, dot);
            Path directory = input.getParent();
            Path golden = directory.resolveSibling("golden");
            String mappingDir = MAPPINGS.relativize(directory.getParent()).toString().replace('\\', '/');
            Path caseBindings = directory.resolve(stem + ".bindings.json");
            return new GoldenCase(mappingDir + "/" + mapping + ".jsonata", stem, stem.substring(dot + 1), input,
                    directory.resolve(stem + ".expected.json"),
                    Files.exists(caseBindings) ? caseBindings : golden.resolve("bindings.json"));
        }

        Map<String, Object> bindings() throws IOException {
            if (!Files.exists(bindingsFile)) {
                return Map.of();
            }
            return JSON.readValue(bindingsFile.toFile(), new TypeReference<Map<String, Object>>() { });
        }
    }
}
