package com.encours.hub.erp.sap;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.HubProperties;
import com.encours.hub.core.CanonicalJson;
import com.encours.hub.core.broker.HubAddresses;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpRecordMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each record under {@code mappings/erp/sap-s4hana/refused/} ({@code <mapping>.<case>.input.json}, with the
 * reason expected in {@code <mapping>.<case>.reason.txt}) is put on a page between two good records and
 * read by the hub's own {@link ErpRecordMapper}: it alone is refused, with a reason an ops user can act on,
 * and the good records of its page go on.
 */
class SapS4RecordRefusalTest {

    private static final Path REFUSED = Path.of("mappings/erp/sap-s4hana/refused");
    private static final Path GOLDEN = Path.of("mappings/erp/sap-s4hana/golden");
    private static final String CONNECTOR = "sap-main";

    private static ValidatorFactory validation;
    private static ErpRecordMapper records;
    private static DefaultCamelContext camel;

    @BeforeAll
    static void hubRecordMapper() {
        validation = Validation.buildDefaultValidatorFactory();
        HubProperties properties = new HubProperties();
        properties.setHome(".");
        HubProperties.ConnectorInstanceProperties instance = new HubProperties.ConnectorInstanceProperties();
        instance.setDescriptor("erp/sap-s4hana");
        instance.getProperties().putAll(Map.of("baseUrl", "https://my-s4.example.com/sap/opu/odata/sap",
                "companyCodes", "1010,1710", "company", "ACME-EU", "username", "ENCOURS_COMM", "password", "${SAP_PASSWORD}"));
        properties.getConnectors().put(CONNECTOR, instance);
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("Config resource 'application.yaml'",
                Map.of("hub.connectors." + CONNECTOR + ".properties.password", "${SAP_PASSWORD}")));
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        records = new ErpRecordMapper(new ConnectorCatalog(properties, environment), new JsonataMapper(properties, json),
                validation.getValidator(), new CanonicalJson(json, validation.getValidator()), 200, 8, 2);
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws IOException {
        validation.close();
        camel.close();
    }

    @TestFactory
    Stream<DynamicTest> eachRefusedRecordIsQuarantinedAloneWithItsReason() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(REFUSED)) {
            inputs = files.filter(f -> f.getFileName().toString().endsWith(".input.json")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        String good = Files.readString(GOLDEN.resolve("open-item.open-invoice.input.json"));
        String otherGood = Files.readString(GOLDEN.resolve("open-item.foreign-currency.input.json"));
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            String name = input.getFileName().toString().replace(".input.json", "");
            String reason = Files.readString(REFUSED.resolve(name + ".reason.txt")).trim();
            String refused = Files.readString(input);

            List<ErpRecordMapper.Output> outputs = mapPage(List.of(good, refused, otherGood));

            List<ErpRecordMapper.Output> quarantined = outputs.stream().filter(o -> o.refused() != null).toList();
            assertThat(quarantined).singleElement().satisfies(o -> {
                assertThat(o.body()).as("the record as SAP sent it, for ops to edit and resubmit").isEqualTo(refused);
                assertThat(o.refused().getMessage()).contains(reason);
            });
            int mapped = outputs.stream().filter(o -> o.refused() == null)
                    .mapToInt(o -> (Integer) o.headers().get(HubAddresses.RECORD_COUNT)).sum();
            assertThat(mapped).as("the rest of the page goes on").isEqualTo(2);
        }));
    }

    private static List<ErpRecordMapper.Output> mapPage(List<String> raw) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(HubAddresses.CONNECTOR_ID, CONNECTOR);
        exchange.getMessage().setBody(new ErpPage(SapS4Source.OPEN_ITEMS, ErpPage.RecordType.OPEN_ITEM, raw));
        records.mapPage(exchange);
        List<ErpRecordMapper.Output> outputs = new ArrayList<>();
        for (Object output : exchange.getMessage().getBody(List.class)) {
            outputs.add((ErpRecordMapper.Output) output);
        }
        return outputs;
    }
}
