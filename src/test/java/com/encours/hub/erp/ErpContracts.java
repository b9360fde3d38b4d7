package com.encours.hub.erp;

import com.encours.hub.badinput.BadInputCase;
import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorDescriptor;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.OpenItem;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.sandbox.PartnerSandbox;
import com.encours.hub.sandbox.SandboxSimulator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the ERP contract tests share: the connector as it ships (its descriptor from {@code connectors/},
 * built as the catalog builds it), the sandbox serving one simulator over loopback HTTP, the hub's HTTP
 * client and mapper, the check that mapped documents are valid, and the bad-input corpus of records.
 */
public final class ErpContracts {

    /** Decimals exact, as the hub reads them. */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private ErpContracts() {
    }

    /** The descriptor that ships under {@code connectors/}, e.g. {@code erp/odoo}. */
    public static ConnectorDescriptor descriptor(String key) {
        return ConnectorCatalog.loadDescriptors(Path.of("connectors")).get(key);
    }

    /** An instance with no property set: enough for what reads none, such as a page read. */
    public static ConnectorInstance withoutProperties(String id, String key) {
        return new ConnectorInstance(id, descriptor(key), true, Duration.ofMinutes(1), Map.of());
    }

    /** The bad-input corpus of ERP records ({@code bad-input/erp-record}), one case each. */
    public static List<BadInputCase> badRecords() {
        return BadInputCase.load("erp-record");
    }

    /** The sandbox serving {@code simulator} on a free loopback port; destroy it after the test. */
    public static PartnerSandbox sandbox(SandboxSimulator simulator) throws IOException {
        return new PartnerSandbox(0, List.of(simulator));
    }

    /** The hub's HTTP client, with a meter registry of its own. */
    /** A sink that keeps the pages in {@code pages} and every total the source announces in {@code announced}. */
    public static ErpSource.PageSink recording(List<ErpPage> pages, List<Long> announced) {
        return new ErpSource.PageSink() {
            @Override
            public void accept(ErpPage page) {
                pages.add(page);
            }

            @Override
            public void expect(long records) {
                announced.add(records);
            }
        };
    }

    public static PartnerHttp partnerHttp() {
        return new PartnerHttp(new SimpleMeterRegistry());
    }

    /**
     * An instance as the catalog would build it: the descriptor's defaults, then the sandbox's settings,
     * then the test's overrides. Every property the descriptor requires must be set.
     */
    public static ConnectorInstance connector(String id, ConnectorDescriptor descriptor, Duration schedule,
                                              Map<String, String> settings, Map<String, String> overrides) {
        Map<String, String> properties = new LinkedHashMap<>();
        descriptor.spec().definition().properties().forEach((name, spec) -> {
            if (spec.defaultValue() != null) {
                properties.put(name, String.valueOf(spec.defaultValue()));
            }
        });
        properties.putAll(settings);
        properties.putAll(overrides);
        assertThat(properties).containsKeys(descriptor.spec().definition().required().toArray(String[]::new));
        return new ConnectorInstance(id, descriptor, true, schedule, properties);
    }

    /** What ErpRecordMapper binds for a mapping: every property that is not a secret, and the connector id. */
    public static Map<String, Object> bindings(ConnectorInstance connector) {
        Map<String, Object> bindings = new LinkedHashMap<>();
        connector.properties().forEach((name, value) -> {
            if (!connector.descriptor().spec().definition().properties().get(name).isSecret()) {
                bindings.put(name, value);
            }
        });
        bindings.put("connectorId", connector.id());
        return bindings;
    }

    /** The hub's mapper, reading the mappings of this checkout. */
    public static JsonataMapper mapper() {
        HubProperties home = new HubProperties();
        home.setHome(".");
        return new JsonataMapper(home, JSON);
    }

    /** A record handed over, as a tree with exact decimals. */
    public static JsonNode tree(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every constraint the documents break, as {@code <their key>: <property> <message>}; empty when all are valid. */
    public static List<String> violations(List<Debtor> debtors, List<OpenItem> items) {
        try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
            Validator validator = validation.getValidator();
            List<String> violations = new ArrayList<>();
            debtors.forEach(d -> violations.addAll(describe(d.debtorRef(), validator.validate(d))));
            items.forEach(i -> violations.addAll(describe(i.sourceItemKey(), validator.validate(i))));
            return violations;
        }
    }

    private static List<String> describe(String key, Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(v -> key + ": " + v.getPropertyPath() + " " + v.getMessage()).toList();
    }
}
