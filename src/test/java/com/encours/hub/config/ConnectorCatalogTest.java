package com.encours.hub.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorCatalogTest {

    private static final String DESCRIPTOR = """
            apiVersion: encours.hub/v1
            kind: Connector
            metadata:
              name: acme
              kind: erp
              title: ACME ERP
            spec:
              protocol: acme-rest
              mappings:
                openItem: erp/acme/item.jsonata
              definition:
                required: [baseUrl, apiKey]
                properties:
                  baseUrl: {title: Base URL, type: url}
                  apiKey: {title: API key, type: string, format: password}
                  pageSize: {title: Page size, type: integer, default: 100}
            """;

    @TempDir
    Path home;

    @Test
    void buildsInstancesWithDefaultsAndMasksSecretsWhenPrinted() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR);
        HubProperties properties = properties(Map.of("baseUrl", "https://erp.example", "apiKey", "${ACME_KEY}"));

        ConnectorCatalog catalog = new ConnectorCatalog(properties, environment(Map.of(
                "hub.connectors.acme-main.properties.apiKey", "${ACME_KEY}")));

        ConnectorInstance instance = catalog.instance("acme-main");
        assertThat(instance.intProperty("pageSize")).isEqualTo(100);
        assertThat(instance.toString()).contains("apiKey=****").doesNotContain("ACME_KEY");
    }

    @Test
    void aMissingRequiredPropertyNamesThePropertyAndTheDescriptor() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR);

        assertThatThrownBy(() -> new ConnectorCatalog(properties(Map.of("apiKey", "${ACME_KEY}")), environment(Map.of())))
                .isInstanceOf(ConnectorConfigurationException.class)
                .hasMessageContaining("hub.connectors.acme-main.properties.baseUrl")
                .hasMessageContaining("connectors/erp/acme.yaml");
    }

    @Test
    void aMistypedPropertyIsRefusedRatherThanIgnored() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR);

        assertThatThrownBy(() -> new ConnectorCatalog(properties(Map.of("baseUrl", "https://erp.example",
                "apiKey", "${ACME_KEY}", "pagesize", "10")), environment(Map.of())))
                .hasMessageContaining("hub.connectors.acme-main.properties.pagesize")
                .hasMessageContaining("unknown property");
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR);

        assertThatThrownBy(() -> new ConnectorCatalog(properties(Map.of("baseUrl", "erp.example",
                "apiKey", "${ACME_KEY}")), environment(Map.of())))
                .hasMessageContaining("hub.connectors.acme-main.properties.baseUrl")
                .hasMessageContaining("must be an http(s) URL");
    }

    @Test
    void aSecretWrittenInClearInAConfigFileIsRefused() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR);
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("Config resource 'application.yaml'",
                Map.of("hub.connectors.acme-main.properties.apiKey", "s3cr3t")));

        assertThatThrownBy(() -> new ConnectorCatalog(properties(Map.of("baseUrl", "https://erp.example",
                "apiKey", "s3cr3t")), environment))
                .hasMessageContaining("hub.connectors.acme-main.properties.apiKey")
                .hasMessageContaining("environment placeholder")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void aDescriptorWithAnUnknownFieldNamesTheFileAndTheField() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR.replace("  protocol: acme-rest", "  protocol: acme-rest\n  protocoll: x"));

        assertThatThrownBy(() -> ConnectorCatalog.loadDescriptors(home.resolve("connectors")))
                .isInstanceOf(ConnectorConfigurationException.class)
                .hasMessageStartingWith("connectors/erp/acme.yaml: spec.protocoll");
    }

    @Test
    void aDescriptorRequiringAnUndeclaredPropertyIsRefused() throws IOException {
        writeDescriptor("erp/acme.yaml", DESCRIPTOR.replace("[baseUrl, apiKey]", "[baseUrl, apiKey, tenant]"));

        assertThatThrownBy(() -> ConnectorCatalog.loadDescriptors(home.resolve("connectors")))
                .hasMessageContaining("connectors/erp/acme.yaml: spec.definition.required")
                .hasMessageContaining("'tenant'");
    }

    @Test
    void aDescriptorMustBeNamedAfterItsKindAndName() throws IOException {
        writeDescriptor("bureau/acme.yaml", DESCRIPTOR);

        assertThatThrownBy(() -> ConnectorCatalog.loadDescriptors(home.resolve("connectors")))
                .hasMessageContaining("connectors/bureau/acme.yaml: metadata.name");
    }

    private void writeDescriptor(String relative, String text) throws IOException {
        Path file = home.resolve("connectors").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private HubProperties properties(Map<String, String> values) {
        HubProperties properties = new HubProperties();
        properties.setHome(home.toString());
        HubProperties.ConnectorInstanceProperties instance = new HubProperties.ConnectorInstanceProperties();
        instance.setDescriptor("erp/acme");
        instance.getProperties().putAll(values);
        properties.getConnectors().put("acme-main", instance);
        return properties;
    }

    private static StandardEnvironment environment(Map<String, Object> values) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("Config resource 'application.yaml'", values));
        return environment;
    }
}
