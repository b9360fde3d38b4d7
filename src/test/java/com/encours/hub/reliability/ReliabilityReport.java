package com.encours.hub.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one run of the reliability harness, written as {@code reliability-latest.json} and
 * {@code reliability-latest.md} plus a dated copy of each ({@code reliability-yyyy-MM-dd-HHmm.*}).
 */
final class ReliabilityReport {

    private final String mode;
    private final long seed;
    private final ZonedDateTime started = ZonedDateTime.now(ZoneId.systemDefault());
    private final Map<String, Map<String, Object>> scenarios = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    ReliabilityReport(String mode, long seed) {
        this.mode = mode;
        this.seed = seed;
    }

    /** The figures of one scenario, filled in as the scenario runs (insertion order is the report's order). */
    synchronized Map<String, Object> scenario(String name) {
        return scenarios.computeIfAbsent(name, n -> new LinkedHashMap<>());
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    synchronized boolean isEmpty() {
        return scenarios.isEmpty();
    }

    synchronized void write(Path directory) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("report", "Encours Hub reliability harness");
        root.put("mode", mode);
        root.put("date", started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        root.put("duration_seconds", Duration.between(started, ZonedDateTime.now(started.getZone())).toSeconds());
        root.put("seed", seed);
        root.put("machine", machine());
        root.put("scenarios", scenarios);
        root.put("notes", notes);
        try {
            Files.createDirectories(directory);
            String stamp = started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
            Path json = directory.resolve("reliability-latest.json");
            Path markdown = directory.resolve("reliability-latest.md");
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.writeString(markdown, markdown(root), StandardCharsets.UTF_8);
            Files.copy(json, directory.resolve("reliability-" + stamp + ".json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(markdown, directory.resolve("reliability-" + stamp + ".md"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reliability report to " + directory, e);
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("memory_mb", totalMemoryMb());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        try {
            machine.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            machine.put("host", "unknown");
        }
        return machine;
    }

    private static long totalMemoryMb() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> root) {
        StringBuilder md = new StringBuilder("# Encours Hub — reliability harness (" + root.get("mode") + ")\n\n");
        Map<String, Object> machine = (Map<String, Object>) root.get("machine");
        md.append("- date: ").append(root.get("date")).append('\n')
                .append("- duration: ").append(root.get("duration_seconds")).append(" s\n")
                .append("- machine: ").append(machine.get("nproc")).append(" cores, ")
                .append(machine.get("memory_mb")).append(" MB, ").append(machine.get("os")).append('\n')
                .append("- JDK: ").append(machine.get("jdk")).append('\n')
                .append("- random seed (kill moments): ").append(root.get("seed")).append("\n\n");
        for (Map.Entry<String, Map<String, Object>> scenario
                : ((Map<String, Map<String, Object>>) root.get("scenarios")).entrySet()) {
            md.append("## ").append(scenario.getKey()).append("\n\n| figure | value |\n|---|---|\n");
            for (Map.Entry<String, Object> figure : scenario.getValue().entrySet()) {
                md.append("| ").append(figure.getKey()).append(" | ")
                        .append(String.valueOf(figure.getValue()).replace("|", "\\|").replace("\n", " "))
                        .append(" |\n");
            }
            md.append('\n');
        }
        List<String> notes = (List<String>) root.get("notes");
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }
}
