package com.encours.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The hub as a separate JVM: the packaged jar ({@code java -jar}), as production runs it. Tests kill it
 * with kill -9 and start it again on the same broker and database.
 *
 * <p>No hub outlives the test JVM: a shutdown hook kills it on a normal exit, and a watchdog shell
 * reading the JVM's pipe kills it when the test JVM itself is killed (the pipe closes), as
 * {@link StandaloneArtemis} does for the broker.
 */
public final class HubProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Path jar;
    private final Path log;
    private final int port;
    private final List<String> jvmOptions;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final String viewer;
    private final String viewerPassword;
    private final Thread shutdownHook;

    private Process hub;
    private Process watchdog;
    private int starts;

    /**
     * @param environment environment of the hub (secrets, HUB_* settings); HUB_PORT is set here
     * @param viewer      a user with the VIEWER role, for health and metrics
     */
    public HubProcess(String name, Path jar, Path log, List<String> jvmOptions, List<String> arguments,
                      Map<String, String> environment, String viewer, String viewerPassword) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no hub jar at " + jar.toAbsolutePath() + ": run 'mvn package' first");
        }
        this.name = name;
        this.jar = jar.toAbsolutePath();
        this.log = log.toAbsolutePath();
        this.port = ChildProcesses.freePort();
        this.jvmOptions = List.copyOf(jvmOptions);
        this.arguments = List.copyOf(arguments);
        this.environment = new LinkedHashMap<>(environment);
        this.environment.put("HUB_PORT", String.valueOf(port));
        this.viewer = viewer;
        this.viewerPassword = viewerPassword;
        this.shutdownHook = new Thread(this::killQuietly, "hub-process-shutdown-" + name);
    }

    /** Starts the hub (again, after {@link #kill()}) and returns at once; see {@link #awaitHealthy()}. */
    public synchronized HubProcess start() {
        if (hub != null && hub.isAlive()) {
            throw new IllegalStateException("hub " + name + " is already running (pid " + hub.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "==== start " + (++starts) + " of hub " + name + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            hub = builder.start();
            watchdog = ChildProcesses.watchdog(hub.pid());
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start hub " + name, e);
        }
        return this;
    }

    /** Waits until the hub answers its health endpoint with UP. */
    public HubProcess awaitHealthy() {
        await("hub " + name + " healthy on port " + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!isAlive()) {
                        throw new IllegalStateException("hub " + name + " exited with " + hub.exitValue() + "; see "
                                + log + ":\n" + logTail());
                    }
                    try {
                        HttpResponse<String> health = get("/actuator/health");
                        return health.statusCode() == 200 && health.body().contains("\"UP\"");
                    } catch (IOException notYet) {
                        return false;
                    }
                });
        return this;
    }

    /** kill -9: no shutdown hook, no graceful stop of consumers, nothing flushed. */
    public synchronized void kill() {
        if (hub == null) {
            return;
        }
        hub.destroyForcibly();
        hub.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        stopWatchdog();
    }

    /** Stops the hub normally (SIGTERM), or kills it if it does not stop in time. */
    @Override
    public synchronized void close() {
        if (hub != null && hub.isAlive()) {
            hub.destroy();
            try {
                if (!hub.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }
        stopWatchdog();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook itself is running
        }
    }

    public synchronized boolean isAlive() {
        return hub != null && hub.isAlive();
    }

    public synchronized long pid() {
        return hub.pid();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return log;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((viewer + ":" + viewerPassword).getBytes(StandardCharsets.UTF_8)))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sum of a Prometheus counter over the samples whose labels contain every given {@code label="value"}
     * pair, e.g. {@code counter("camel_exchanges_total", "routeId=\"ledger\"")}.
     */
    public double counter(String metric, String... labels) throws IOException, InterruptedException {
        HttpResponse<String> scrape = get("/actuator/prometheus");
        if (scrape.statusCode() != 200) {
            throw new IllegalStateException("hub " + name + " /actuator/prometheus answered " + scrape.statusCode());
        }
        double sum = 0;
        for (String line : scrape.body().split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            String labelText = close < 0 ? "" : line.substring(0, close);
            if (Stream.of(labels).allMatch(labelText::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    public String logTail() {
        return ChildProcesses.logTail(log);
    }

    private void stopWatchdog() {
        ChildProcesses.stopWatchdog(watchdog);
        watchdog = null;
    }

    private void killQuietly() {
        if (hub != null && hub.isAlive()) {
            kill();
        }
    }

}
