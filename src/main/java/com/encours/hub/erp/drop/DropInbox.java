package com.encours.hub.erp.drop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The drop directories of a file connector: which file is next, and where it goes afterwards. */
final class DropInbox {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final DropSettings settings;
    private final Clock clock;

    DropInbox(DropSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The oldest file of the inbox that has not been modified for the settle time (a file still being
     * copied is left for a later run). Hidden files and .tmp/.part files are not complete files yet.
     */
    Optional<Path> next() throws IOException {
        if (!Files.isDirectory(settings.inbox())) {
            throw new IOException("inbox " + settings.inbox() + " is not a directory");
        }
        FileTime settledBefore = FileTime.from(clock.instant().minus(settings.settleTime()));
        try (Stream<Path> files = Files.list(settings.inbox())) {
            return files.filter(Files::isRegularFile)
                    .filter(DropInbox::isDropped)
                    .map(file -> new Candidate(file, modified(file)))
                    .filter(candidate -> candidate.modified().compareTo(settledBefore) <= 0)
                    .min(Comparator.comparing(Candidate::modified).thenComparing(c -> c.file().getFileName().toString()))
                    .map(Candidate::file);
        }
    }

    /** Moves the file to the done directory once everything in it is handed over. */
    Path done(Path file) throws IOException {
        return moveInto(file, settings.done());
    }

    /** Moves the file to the error directory, next to {@code <name>.reason.txt} saying why. */
    Path setAside(Path file, String reason) throws IOException {
        Path moved = moveInto(file, settings.error());
        Files.writeString(moved.resolveSibling(moved.getFileName() + ".reason.txt"), reason + System.lineSeparator(),
                StandardCharsets.UTF_8);
        return moved;
    }

    private Path moveInto(Path file, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(file.getFileName());
        if (Files.exists(target)) {
            // the same name dropped again (a daily export is often always called the same): keep both
            target = directory.resolve(file.getFileName() + "." + STAMP.format(clock.instant()));
        }
        try {
            return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            return Files.move(file, target);
        }
    }

    private static boolean isDropped(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && !name.endsWith(".tmp") && !name.endsWith(".part");
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE);
        }
    }

    private record Candidate(Path file, FileTime modified) {
    }
}
