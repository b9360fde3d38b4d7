package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import com.encours.hub.support.SftpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.StandardEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SFTP pickup against a real SFTP server (Apache MINA SSHD) and Camel's sftp component. */
class SftpPickupTest {

    @TempDir
    Path work;

    private SftpServer server;
    private Path inbox;

    @BeforeEach
    void start() throws IOException {
        server = new SftpServer(Files.createDirectories(work.resolve("server")));
        Files.createDirectories(server.root().resolve("exports"));
        inbox = work.resolve("inbox");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void aSettledFileIsCopiedWholeIntoTheInboxAndMovedAsideOnTheServer() throws IOException {
        Path remote = writeRemote("open-items-1.csv", "CustomerNo;CustomerName\nC1;One\n", Instant.now().minusSeconds(60));

        ConnectorInstance connector = connector(Map.of("settleTime", "PT5S"));
        assertThat(new SftpPickup(Clock.systemUTC()).fetch(connector, DropSettings.of(connector))).containsExactly("open-items-1.csv");

        assertThat(inbox.resolve("open-items-1.csv")).hasContent("CustomerNo;CustomerName\nC1;One\n");
        assertThat(inbox).isDirectoryNotContaining("glob:**/.*");
        assertThat(remote).doesNotExist();
        assertThat(server.root().resolve("exports/.hub-fetched/open-items-1.csv")).exists();
        assertThat(new SftpPickup(Clock.systemUTC()).fetch(connector, DropSettings.of(connector))).as("fetched once").isEmpty();
    }

    @Test
    void aFileOverTheSizeLimitIsMovedAsideOnTheServerWithItsReasonAndTheOthersAreFetched() throws IOException {
        Instant settled = Instant.now().minusSeconds(60);
        writeRemote("huge.csv", "CustomerNo;CustomerName\n" + "C1;One\n".repeat(200_000), settled.minusSeconds(10));
        writeRemote("small.csv", "CustomerNo;CustomerName\nC2;Two\n", settled);
        ConnectorInstance connector = connector(Map.of("sftpMaxFileMegabytes", "1"));
        DropSettings settings = DropSettings.of(connector);

        assertThatThrownBy(() -> new SftpPickup(Clock.systemUTC()).fetch(connector, settings))
                .isInstanceOf(DropFileRefusedException.class)
                .hasMessageContaining("huge.csv").hasMessageContaining("sftpMaxFileMegabytes 1");

        assertThat(inbox.resolve("small.csv")).exists();
        assertThat(inbox.resolve("huge.csv")).doesNotExist();
        assertThat(server.root().resolve("exports/.hub-refused/huge.csv")).exists();
        assertThat(settings.error().resolve("huge.csv.reason.txt")).content().contains("not copied");
        assertThat(new SftpPickup(Clock.systemUTC()).fetch(connector, settings)).as("refused once").isEmpty();
    }

    @Test
    void aFileStillBeingWrittenStaysOnTheServer() throws IOException {
        Path remote = writeRemote("open-items-2.csv", "CustomerNo\n", Instant.now());

        ConnectorInstance connector = connector(Map.of("settleTime", "PT1H"));
        assertThat(new SftpPickup(Clock.systemUTC()).fetch(connector, DropSettings.of(connector))).isEmpty();

        assertThat(remote).exists();
        assertThat(inbox.resolve("open-items-2.csv")).doesNotExist();
    }

    @Test
    void aServerWhoseHostKeyIsNotTheKnownOneIsRefused() throws IOException {
        Path remote = writeRemote("open-items-3.csv", "CustomerNo\n", Instant.now().minusSeconds(60));
        Path impostor = server.otherKnownHosts(work.resolve("other_known_hosts"));

        ConnectorInstance connector = connector(Map.of("sftpKnownHostsFile", impostor.toString()));
        assertThatThrownBy(() -> new SftpPickup(Clock.systemUTC()).fetch(connector, DropSettings.of(connector)))
                .hasMessageContaining("cannot fetch the files of sftp://127.0.0.1:").hasMessageContaining("HostKey");

        assertThat(remote).exists();
        assertThat(inbox.resolve("open-items-3.csv")).doesNotExist();
    }

    @Test
    void anSftpServerWithoutCredentialsStopsTheHubNamingTheProperty() {
        Map<String, String> noPassword = new HashMap<>();
        noPassword.put("sftpPassword", "");
        assertThatThrownBy(() -> SftpPickup.check(connector(noPassword)))
                .hasMessageContaining("hub.connectors.sftp-test.properties.sftpPassword")
                .hasMessageContaining("needs sftpPassword or sftpIdentityFile");
    }

    private Path writeRemote(String name, String content, Instant modified) throws IOException {
        Path file = Files.writeString(server.root().resolve("exports").resolve(name), content);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private ConnectorInstance connector(Map<String, String> overrides) {
        HubProperties properties = new HubProperties();
        properties.setHome(".");
        HubProperties.ConnectorInstanceProperties instance = new HubProperties.ConnectorInstanceProperties();
        instance.setDescriptor("erp/csv-drop");
        instance.getProperties().putAll(Map.of("inbox", inbox.toString(), "company", "ACME", "settleTime", "PT0S",
                "sftpHost", "127.0.0.1", "sftpPort", Integer.toString(server.port()), "sftpUsername", SftpServer.USER,
                "sftpPassword", SftpServer.PASSWORD, "sftpDirectory", "exports",
                "sftpKnownHostsFile", server.knownHosts().toString()));
        instance.getProperties().putAll(overrides);
        properties.getConnectors().put("sftp-test", instance);
        return new ConnectorCatalog(properties, new StandardEnvironment()).instance("sftp-test");
    }
}
