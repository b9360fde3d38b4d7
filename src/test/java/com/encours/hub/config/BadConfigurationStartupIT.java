package com.encours.hub.config;

import com.encours.hub.EncoursHubApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An IT team's typo in a connector configuration stops the hub at startup with one message that names
 * the file, the line and the property — not a stack trace to dig through.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationStartupIT {

    @TempDir
    Path dataDir;

    @Test
    void aMisspelledConnectorPropertyStopsStartupNamingFileAndProperty(CapturedOutput output) throws IOException {
        Path extra = dataDir.resolve("customer.yaml");
        Files.writeString(extra, """
                hub:
                  connectors:
                    bc-sandbox:
                      properties:
                        tenantID: contoso
                """);

        assertThatThrownBy(() -> new SpringApplicationBuilder(EncoursHubApplication.class)
                .profiles("sandbox")
                .run("--spring.config.additional-location=file:" + extra,
                        "--hub.data-dir=" + dataDir, "--server.port=0", "--hub.sandbox.port=0"))
                .hasRootCauseInstanceOf(ConnectorConfigurationException.class);

        assertThat(output).contains("Connector configuration error in")
                .contains("customer.yaml")
                .contains("hub.connectors.bc-sandbox.properties.tenantID: unknown property for connectors/erp/business-central.yaml");
    }
}
