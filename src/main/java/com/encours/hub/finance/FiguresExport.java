package com.encours.hub.finance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Writes the portfolio figures once a day to {@code hub.finance.export.directory} as
 * {@code portfolio-figures-<day>.csv} (UTF-8, see {@link FiguresCsv}), at {@code hub.finance.export.cron}.
 * A file appears whole or not at all: it is written as {@code .part} and linked into place atomically. A day
 * is exported once: a file of that day already there (a rerun, another hub instance) is left as it is, so that
 * what a finance system may already have read never changes under it.
 */
@Component
@ConditionalOnProperty(name = "hub.finance.export.directory")
public class FiguresExport implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FiguresExport.class);

    private final PortfolioFigures figures;
    private final Path directory;
    private final Clock clock;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public FiguresExport(PortfolioFigures figures, @Value("${hub.finance.export.directory}") Path directory,
                         @Value("${hub.finance.export.cron:0 30 5 * * *}") String cron, Clock clock) {
        this.figures = figures;
        this.directory = directory;
        this.clock = clock;
        scheduler.setThreadNamePrefix("figures-export-");
        scheduler.initialize();
        scheduler.schedule(this::exportTodayAndLog, new CronTrigger(cron, clock.getZone()));
    }

    /** @return the file written, or empty when that day's file was there already */
    public Optional<Path> export(LocalDate day) {
        Path target = directory.resolve("portfolio-figures-" + day + ".csv");
        if (Files.exists(target)) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(directory);
            Path part = Files.createTempFile(directory, "portfolio-figures-" + day + "-", ".csv.part");
            try {
                Files.writeString(part, FiguresCsv.of(figures.asOf(day)), StandardCharsets.UTF_8);
                // a hard link appears at once, whole, and fails if the file is there: a rename would replace it
                Files.createLink(target, part);
                return Optional.of(target);
            } catch (FileAlreadyExistsException e) {
                return Optional.empty();
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the figures of " + day + " to " + directory, e);
        }
    }

    private void exportTodayAndLog() {
        LocalDate today = LocalDate.now(clock);
        try {
            export(today).ifPresentOrElse(file -> log.info("Portfolio figures of {} written to {}", today, file),
                    () -> log.info("Portfolio figures of {} were exported already", today));
        } catch (RuntimeException e) {
            log.error("Portfolio figures of {} not exported: {}", today, e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
