package com.encours.hub.erp.drop;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** The files taken from a drop directory, by checksum (table file_import). */
@Repository
public class FileImports {

    enum Outcome { IMPORTED, REFUSED }

    record FileImport(String fileName, Outcome outcome, long dataRows, Instant recordedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public FileImports(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The import of this content by this connector, if it was imported (a refusal does not count). */
    Optional<FileImport> imported(String connectorId, String checksum) {
        return jdbc.query("select file_name, outcome, data_rows, recorded_at from file_import "
                        + "where connector_id = ? and checksum = ? and outcome = ?", (rs, n) -> row(rs),
                connectorId, checksum, Outcome.IMPORTED.name()).stream().findFirst();
    }

    /** The connector's most recent import: the size the next file is compared with. */
    Optional<FileImport> lastImported(String connectorId) {
        return jdbc.query("select file_name, outcome, data_rows, recorded_at from file_import "
                        + "where connector_id = ? and outcome = ? order by recorded_at desc fetch first 1 rows only",
                (rs, n) -> row(rs), connectorId, Outcome.IMPORTED.name()).stream().findFirst();
    }

    void record(String connectorId, String checksum, String fileName, Outcome outcome, long dataRows, long openLines,
                long vanished, String reason) {
        Timestamp now = Timestamp.from(clock.instant());
        String trimmedReason = reason == null ? null : reason.substring(0, Math.min(reason.length(), 2000));
        int updated = jdbc.update("update file_import set file_name = ?, outcome = ?, data_rows = ?, open_lines = ?, "
                        + "vanished = ?, reason = ?, recorded_at = ? where connector_id = ? and checksum = ?",
                fileName, outcome.name(), dataRows, openLines, vanished, trimmedReason, now, connectorId, checksum);
        if (updated == 0) {
            jdbc.update("insert into file_import (connector_id, checksum, file_name, outcome, data_rows, open_lines, "
                            + "vanished, reason, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    connectorId, checksum, fileName, outcome.name(), dataRows, openLines, vanished, trimmedReason, now);
        }
    }

    private static FileImport row(ResultSet rs) throws SQLException {
        return new FileImport(rs.getString(1), Outcome.valueOf(rs.getString(2)), rs.getLong(3),
                rs.getTimestamp(4).toInstant());
    }
}
