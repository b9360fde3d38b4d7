package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorInstance;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Vector;

/**
 * Brings the files an ERP leaves on an SFTP server into a drop connector's local inbox before the inbox is
 * read: the snapshot rules then apply to them as to any dropped file.
 *
 * <p>A remote file is taken once it has not changed for the connector's settle time, copied next to the
 * inbox as {@code .name.part} and renamed into it whole, and only then moved to {@code .hub-fetched/} on the
 * server, so a file is never half in the inbox and never fetched twice; if the hub stops in between, the
 * next run fetches it again and the checksum sets the copy aside. The server's host key must be in
 * {@code sftpKnownHostsFile}: an unknown or changed key is refused and fails the extract. A file larger than
 * {@code sftpMaxFileMegabytes} is not copied (it would fill the hub's disk): it is moved to {@code .hub-refused/}
 * on the server, its reason written to the error directory, and the run fails with that reason once the other
 * files are fetched.
 *
 * <p>It speaks SSH through JSch, the library Camel's sftp component uses, directly: that component's polling
 * consumer logs a refused host key or login and skips the poll, where a connector must fail and say why.
 */
@Component
public class SftpPickup {

    private static final Logger log = LoggerFactory.getLogger(SftpPickup.class);
    static final String FETCHED = ".hub-fetched";
    static final String REFUSED = ".hub-refused";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

    private final Clock clock;

    public SftpPickup(Clock clock) {
        this.clock = clock;
    }

    /** True when the connector names an SFTP server to fetch from. */
    static boolean configured(ConnectorInstance connector) {
        return connector.descriptor().spec().definition().properties().containsKey("sftpHost")
                && connector.property("sftpHost") != null && !connector.property("sftpHost").isBlank();
    }

    /** Checks the SFTP properties at startup: a half-configured server stops the hub, naming the property. */
    static void check(ConnectorInstance connector) {
        if (!configured(connector)) {
            return;
        }
        for (String required : List.of("sftpUsername", "sftpDirectory", "sftpKnownHostsFile")) {
            String value = connector.property(required);
            if (value == null || value.isBlank()) {
                throw DropSettings.invalid(connector, required, "is required when sftpHost is set");
            }
        }
        if (!Files.isReadable(Path.of(connector.property("sftpKnownHostsFile")))) {
            throw DropSettings.invalid(connector, "sftpKnownHostsFile", "cannot be read: "
                    + connector.property("sftpKnownHostsFile"));
        }
        if (blank(connector.property("sftpPassword")) && blank(connector.property("sftpIdentityFile"))) {
            throw DropSettings.invalid(connector, "sftpPassword", "an SFTP server needs sftpPassword or sftpIdentityFile");
        }
    }

    /** Fetches every settled remote file into the inbox, oldest first; returns their names. */
    List<String> fetch(ConnectorInstance connector, DropSettings settings) {
        String where = "sftp://" + connector.property("sftpHost") + ":" + connector.property("sftpPort") + "/"
                + connector.property("sftpDirectory");
        Session session = null;
        try {
            session = session(connector);
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect((int) CONNECT_TIMEOUT.toMillis());
            sftp.cd(connector.property("sftpDirectory"));
            long maxBytes = connector.intProperty("sftpMaxFileMegabytes") * 1024L * 1024L;
            List<String> fetched = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (ChannelSftp.LsEntry entry : settled(sftp, settings.settleTime())) {
                if (entry.getAttrs().getSize() > maxBytes) {
                    refused.add(refuseOne(sftp, entry, connector, settings.error(), where));
                } else {
                    fetched.add(fetchOne(sftp, entry.getFilename(), settings.inbox()));
                }
            }
            if (!fetched.isEmpty()) {
                log.info("{}: fetched {} from {}", connector.id(), fetched, where);
            }
            if (!refused.isEmpty()) {
                // the files fetched are in the inbox: the next run imports them
                throw new DropFileRefusedException(String.join("; ", refused));
            }
            return fetched;
        } catch (JSchException | SftpException | IOException e) {
            throw new UncheckedIOException(new IOException(connector.id() + ": cannot fetch the files of " + where
                    + "; they stay on the server for the next run: " + e.getMessage(), e));
        } finally {
            if (session != null) {
                session.disconnect();
            }
        }
    }

    private Session session(ConnectorInstance connector) throws JSchException {
        JSch jsch = new JSch();
        jsch.setKnownHosts(connector.property("sftpKnownHostsFile"));
        String keyFile = connector.property("sftpIdentityFile");
        if (!blank(keyFile)) {
            jsch.addIdentity(keyFile);
        }
        Session session = jsch.getSession(connector.property("sftpUsername"), connector.property("sftpHost"),
                connector.intProperty("sftpPort"));
        String password = connector.property("sftpPassword");
        if (!blank(password)) {
            session.setPassword(password);
        }
        session.setConfig("StrictHostKeyChecking", "yes");
        session.connect((int) CONNECT_TIMEOUT.toMillis());
        return session;
    }

    /** Regular files not hidden nor still named as temporary, unchanged for the settle time, oldest first. */
    private List<ChannelSftp.LsEntry> settled(ChannelSftp sftp, Duration settleTime) throws SftpException {
        Instant settledBefore = clock.instant().minus(settleTime);
        @SuppressWarnings("unchecked")
        Vector<ChannelSftp.LsEntry> entries = sftp.ls(".");
        return entries.stream()
                .filter(entry -> entry.getAttrs().isReg())
                .filter(entry -> !entry.getFilename().startsWith(".") && !entry.getFilename().endsWith(".tmp")
                        && !entry.getFilename().endsWith(".part"))
                .filter(entry -> !modified(entry.getAttrs()).isAfter(settledBefore))
                .sorted(Comparator.comparing((ChannelSftp.LsEntry entry) -> modified(entry.getAttrs()))
                        .thenComparing(ChannelSftp.LsEntry::getFilename))
                .toList();
    }

    private static String fetchOne(ChannelSftp sftp, String name, Path inbox) throws SftpException, IOException {
        Files.createDirectories(inbox);
        Path part = inbox.resolve("." + name + ".part");
        try (InputStream remote = sftp.get(name)) {
            Files.copy(remote, part, StandardCopyOption.REPLACE_EXISTING);
        }
        Path target = inbox.resolve(name);
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        moveAside(sftp, name, FETCHED);
        return name;
    }

    /** A file too large to copy: moved aside on the server, the reason next to the refused local files. */
    private static String refuseOne(ChannelSftp sftp, ChannelSftp.LsEntry entry, ConnectorInstance connector,
                                    Path errorDirectory, String where) throws SftpException, IOException {
        String name = entry.getFilename();
        String reason = name + " on " + where + " is " + entry.getAttrs().getSize() / (1024 * 1024) + " MB, over "
                + "sftpMaxFileMegabytes " + connector.property("sftpMaxFileMegabytes") + ": not copied, moved to "
                + REFUSED + "/ on the server";
        moveAside(sftp, name, REFUSED);
        Files.createDirectories(errorDirectory);
        Files.writeString(errorDirectory.resolve(name + ".reason.txt"), reason + System.lineSeparator(),
                StandardCharsets.UTF_8);
        log.error("{}: {}", connector.id(), reason);
        return reason;
    }

    /** Moves a remote file into a directory of the server's, replacing an older one of that name. */
    private static void moveAside(ChannelSftp sftp, String name, String directory) throws SftpException {
        if (!exists(sftp, directory)) {
            sftp.mkdir(directory);
        }
        String aside = directory + "/" + name;
        if (exists(sftp, aside)) {
            // the same name exported again: the older copy makes room
            sftp.rm(aside);
        }
        sftp.rename(name, aside);
    }

    private static boolean exists(ChannelSftp sftp, String path) throws SftpException {
        try {
            sftp.stat(path);
            return true;
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    private static Instant modified(SftpATTRS attributes) {
        return Instant.ofEpochSecond(attributes.getMTime());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
