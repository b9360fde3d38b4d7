package com.encours.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the tests that start other processes (standalone brokers, hub JVMs) share. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    /**
     * A shell that kill -9s {@code pid} when its standard input closes, which happens when this JVM dies,
     * however it dies: no child outlives the tests.
     */
    static Process watchdog(long pid) throws IOException {
        return new ProcessBuilder("sh", "-c", "read -r _; kill -9 " + pid + " 2>/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true)
                .start();
    }

    /** Stops a watchdog with SIGTERM; closing its stdin would make it kill a pid that may be reused by now. */
    static void stopWatchdog(Process watchdog) {
        if (watchdog != null) {
            watchdog.destroy();
        }
    }

    /** The last 40 lines of a process log, for the message of a failed start. */
    static String logTail(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
