package com.encours.hub.support;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;

/**
 * An ERP's SFTP server for tests (Apache MINA SSHD): one user with a password, its files under {@code root},
 * a host key generated for the test and a known_hosts file that holds it.
 */
public final class SftpServer implements AutoCloseable {

    public static final String USER = "erp-export";
    public static final String PASSWORD = "sftp-test-password";

    private final SshServer server;
    private final Path root;
    private final Path knownHosts;

    public SftpServer(Path directory) throws IOException {
        root = Files.createDirectories(directory.resolve("root"));
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(directory.resolve("host.key")));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.start();
        knownHosts = writeKnownHosts(directory.resolve("known_hosts"), server.getPort());
    }

    private Path writeKnownHosts(Path file, int port) throws IOException {
        StringBuilder lines = new StringBuilder();
        try {
            for (KeyPair key : server.getKeyPairProvider().loadKeys(null)) {
                lines.append("[127.0.0.1]:").append(port).append(' ')
                        .append(PublicKeyEntry.toString(key.getPublic())).append('\n');
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the test host key", e);
        }
        return Files.writeString(file, lines.toString());
    }

    public int port() {
        return server.getPort();
    }

    /** The server's files: what the user sees as /. */
    public Path root() {
        return root;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    /** A known_hosts file holding another key for this server: what a man in the middle would look like. */
    public Path otherKnownHosts(Path file) throws IOException {
        try {
            KeyPair other = KeyUtils.generateKeyPair("ssh-rsa", 2048);
            return Files.writeString(file, "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(other.getPublic()) + "\n");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a key", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
