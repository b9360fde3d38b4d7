package com.encours.hub.support;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A standalone Artemis broker in a child process, from the distribution Maven unpacks under
 * {@code target/artemis} (the same broker the Docker image runs), configured with the hub's own
 * {@code broker/broker.xml}. Tests use it to run the hub against a separate broker and to kill -9 and
 * restart that broker on the same data.
 *
 * <p>No broker outlives the test JVM: a shutdown hook stops it on a normal exit, and a watchdog shell
 * reading the JVM's pipe kills it when the JVM itself is killed (the pipe closes).
 */
public final class StandaloneArtemis implements AutoCloseable {

    /** Acceptor of our broker.xml; rebound to loopback and a free port for the test. */
    static final String DECLARED_ACCEPTOR = "tcp://0.0.0.0:61616";
    private static final String USER = "hub";
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path distribution;
    private final Path instance;
    private final Path log;
    private final int port;
    private final String password;
    private final Map<String, String> systemProperties;
    private final Thread shutdownHook = new Thread(this::killQuietly, "standalone-artemis-shutdown");

    private Process broker;
    private Process watchdog;

    private StandaloneArtemis(Path distribution, Path instance, int port, String password, Map<String, String> systemProperties) {
        this.distribution = distribution;
        this.instance = instance;
        this.log = instance.resolve("broker-output.log");
        this.port = port;
        this.password = password;
        this.systemProperties = systemProperties;
    }

    /**
     * Creates a broker instance under {@code target/standalone-artemis/<name>-<random>} (not started) with
     * the delivery attempts of the integration tests: 3.
     */
    public static StandaloneArtemis create(String name) {
        return create(name, Map.of("hub.broker.max-delivery-attempts", "3"));
    }

    /**
     * As {@link #create(String)}, with the given values for broker.xml's {@code ${name:default}} placeholders
     * (passed as -D options: values without spaces).
     */
    public static StandaloneArtemis create(String name, Map<String, String> systemProperties) {
        Path distribution = distribution();
        Path instance = Path.of("target", "standalone-artemis", name + "-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        StandaloneArtemis artemis = new StandaloneArtemis(distribution, instance, ChildProcesses.freePort(),
                HexFormat.of().formatHex(secret), Map.copyOf(systemProperties));
        artemis.createInstance();
        return artemis;
    }

    /** Starts the broker (again, on the same data after {@link #kill()}) and returns once a JMS client can log in. */
    public synchronized StandaloneArtemis start() {
        if (broker != null && broker.isAlive()) {
            throw new IllegalStateException("broker " + instance + " is already running (pid " + pid() + ")");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                    .directory(instance.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            // Appended after the profile's own JAVA_ARGS: a smaller heap for 2-core CI machines, and the
            // values of broker.xml's placeholders.
            builder.environment().put("JAVA_ARGS_APPEND", "-Xms64m -Xmx512m " + systemProperties.entrySet().stream()
                    .map(e -> "-D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
            broker = builder.start();
            watchdog = ChildProcesses.watchdog(javaProcess().pid());
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + instance.resolve("bin/artemis"), e);
        }
        await("standalone broker " + url() + " accepting logins").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!broker.isAlive()) {
                        throw new IllegalStateException("broker exited with " + broker.exitValue() + "; see " + log + ":\n" + logTail());
                    }
                    return portOpen() && canLogIn();
                });
        return this;
    }

    /** kill -9 of the broker's JVM: no shutdown, no journal flush beyond what was already synced. */
    public synchronized void kill() {
        ProcessHandle java = javaProcess();
        java.destroyForcibly();
        broker.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        broker.destroyForcibly();
        java.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        broker.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        stopWatchdog();
    }

    /**
     * Stops the broker normally (SIGTERM, the broker's own shutdown), or kills it if it does not stop in
     * time. {@link #start()} may follow: a clean restart on the same data.
     */
    @Override
    public synchronized void close() {
        if (broker == null) {
            return;
        }
        if (broker.isAlive()) {
            javaProcess().destroy();
            try {
                if (!broker.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }
        stopWatchdog();
        removeShutdownHook();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** Pid of the broker's JVM (what kill -9 hits). */
    public synchronized long pid() {
        return javaProcess().pid();
    }

    public Path instanceDirectory() {
        return instance;
    }

    public Path logFile() {
        return log;
    }

    private void createInstance() {
        // No web console, and no port options: the acceptor is the one of our broker.xml, rebound below.
        List<String> command = List.of(distribution.resolve("bin/artemis").toString(), "create",
                instance.toString(), "--user", USER, "--password", password, "--role", "amq", "--require-login",
                "--no-web", "--no-autotune", "--silent");
        try {
            Files.createDirectories(instance.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.resolveSibling(instance.getFileName() + "-create.log").toFile()));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process create = builder.start();
            if (!create.waitFor(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new IllegalStateException("'artemis create " + instance + "' failed; see " + instance + "-create.log");
            }
            Files.writeString(instance.resolve("etc/broker.xml"), hubBrokerXml(url()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker instance " + instance, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + instance, e);
        }
    }

    /** The hub's broker.xml with its acceptor on the given URL; everything else exactly as shipped. */
    static String hubBrokerXml(String acceptorUrl) throws IOException {
        String xml;
        try (InputStream in = new ClassPathResource("broker/broker.xml").getInputStream()) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!xml.contains(DECLARED_ACCEPTOR + "?")) {
            throw new IllegalStateException("broker/broker.xml no longer declares its acceptor as " + DECLARED_ACCEPTOR
                    + "; update StandaloneArtemis.DECLARED_ACCEPTOR");
        }
        return xml.replace(DECLARED_ACCEPTOR + "?", acceptorUrl + "?");
    }

    private static Path distribution() {
        Path home = Path.of(System.getProperty("artemis.home", "target/artemis/apache-artemis-2.40.0")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/artemis"))) {
            throw new IllegalStateException("no Artemis distribution at " + home + ": run 'mvn generate-test-resources' "
                    + "(it unpacks org.apache.activemq:apache-artemis:tar.gz:bin) or set -Dartemis.home");
        }
        return home;
    }


    /** bin/artemis execs java today; should it ever fork instead, the JVM is its descendant. */
    private ProcessHandle javaProcess() {
        if (broker == null) {
            throw new IllegalStateException("broker " + instance + " was never started");
        }
        return Stream.concat(Stream.of(broker.toHandle()), broker.toHandle().descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst()
                .orElse(broker.toHandle());
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean canLogIn() {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url(), USER, password);
             var connection = factory.createConnection()) {
            connection.start();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private String logTail() {
        return ChildProcesses.logTail(log);
    }

    private void stopWatchdog() {
        ChildProcesses.stopWatchdog(watchdog);
        watchdog = null;
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook itself is running
        }
    }

    private void killQuietly() {
        if (broker != null && broker.isAlive()) {
            kill();
        }
    }
}
