package com.encours.hub.bench;

import com.encours.hub.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.test.util.TestSocketUtils;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hub startup to ready, as its own JVM ({@code java -Xmx512m -jar target/encours-hub-*.jar}, the packaged
 * hub): from process launch to Spring Boot's "Started" line (web server, embedded broker, database
 * migrations, Camel routes and partner sandbox all up). First start on an empty schema and broker
 * journal, then a restart on the same data.
 */
class HubStartupBenchmark {

    @Test
    void startupToReady() throws Exception {
        Path jar;
        try (var files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("encours-hub-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar")).findFirst().orElseThrow();
        }
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String schema = "hub_bench_" + run;
        Path data = Path.of("target", "bench-data", "startup-" + run).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString(),
                "--hub.home=" + new File(".").getAbsolutePath(),
                "--hub.data-dir=" + data,
                "--server.port=0",
                "--hub.sandbox.port=" + TestSocketUtils.findAvailableTcpPort(),
                "--spring.datasource.url=" + TestDatabase.jdbcUrl(schema),
                "--spring.datasource.username=" + TestDatabase.user(),
                "--spring.datasource.password=",
                "--spring.flyway.schemas=" + schema,
                "--spring.flyway.create-schemas=true",
                "--hub.extract.first-run-delay=1d"));
        double first = start(command);
        double again = start(command);
        BenchResults.put("hub_startup_s", first, "process launch to ready (Started line), own JVM -Xmx512m, empty database and broker journal");
        BenchResults.put("hub_restart_s", again, "same on existing data (restart)");
    }

    private static double start(List<String> command) throws Exception {
        long launched = System.nanoTime();
        Process hub = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains("Started EncoursHubApplication")) {
                    double seconds = (System.nanoTime() - launched) / 1e9;
                    System.out.println("BENCH hub says: " + line.replaceAll(".*(Started .*)", "$1"));
                    return seconds;
                }
                if (line.contains("APPLICATION FAILED TO START")) {
                    break;
                }
            }
            assertThat(false).as("the hub did not start").isTrue();
            return -1;
        } finally {
            hub.destroy();
            if (!hub.waitFor(30, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }
}
