package com.encours.hub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run ({@code mvn -B verify -Pbench}), shared by every *Benchmark of the
 * Failsafe JVM. Each figure is written as soon as it is known to {@code bench/results/latest.json} and
 * {@code latest.md}, and to a dated copy ({@code <yyyy-MM-dd-HHmm>.json/.md}, the start of the run) that
 * later runs leave alone. Figures are reported, never asserted.
 */
public final class BenchResults {

    private static final Path DIR = Path.of(System.getProperty("hub.bench.results-dir", "bench/results"));
    private static final ZonedDateTime STARTED = ZonedDateTime.now();
    private static final String STAMP = STARTED.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
    private static final Map<String, Object> FIGURES = new LinkedHashMap<>();
    private static final Map<String, String> NOTES = new LinkedHashMap<>();

    private BenchResults() {
    }

    /** Records a figure (plain name, e.g. {@code hub_items_per_s}) with what it measures. */
    public static synchronized void put(String name, Object value, String meaning) {
        Object rounded = value instanceof Double d ? Math.round(d * 100) / 100.0 : value;
        FIGURES.put(name, rounded);
        NOTES.put(name, meaning);
        System.out.printf(Locale.ROOT, "BENCH %-40s %14s  %s%n", name, rounded, meaning);
        write();
    }

    public static synchronized Object get(String name) {
        return FIGURES.get(name);
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("memory_total_mb", memTotalMb());
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("bench_jvm_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put("bench_jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()
                .stream().filter(a -> a.startsWith("-X")).toList()));
        machine.put("note", "noisy machine (2 cores, other builds may run at the same time): compare ratios of one run, not absolute figures across runs");
        return machine;
    }

    private static long memTotalMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static void write() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("date", STARTED.toOffsetDateTime().toString());
        document.put("command", "mvn -B verify -Pbench");
        document.put("machine", machine());
        document.put("figures", FIGURES);
        document.put("meaning", NOTES);
        StringBuilder md = new StringBuilder("# Encours Hub benchmarks\n\n")
                .append("Run ").append(document.get("date")).append(" with `mvn -B verify -Pbench`.\n\n");
        machine().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\n| figure | value | meaning |\n|---|---:|---|\n");
        FIGURES.forEach((k, v) -> md.append("| `").append(k).append("` | ").append(v).append(" | ")
                .append(NOTES.get(k)).append(" |\n"));
        try {
            Files.createDirectories(DIR);
            String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document);
            Files.writeString(DIR.resolve("latest.json"), json + "\n");
            Files.writeString(DIR.resolve("latest.md"), md);
            Files.writeString(DIR.resolve(STAMP + ".json"), json + "\n");
            Files.writeString(DIR.resolve(STAMP + ".md"), md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write benchmark results under " + DIR.toAbsolutePath(), e);
        }
    }
}
