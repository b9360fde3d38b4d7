package com.encours.hub.identity.vies;

import com.encours.hub.core.model.VatCheck;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * VIES answers kept in the database (table {@code vat_check}), so that they survive a restart, are shared by
 * every hub instance, and a number is not asked again before its answer expires: VIES limits concurrent
 * requests, and a consultation number is worth keeping.
 */
public class VatCheckCache {

    private final JdbcTemplate jdbc;

    public VatCheckCache(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A kept answer, who asked for it and until when it holds. */
    public record Cached(VatCheck check, String requester, Instant validUntil) {
    }

    public Optional<Cached> find(String connectorId, String countryCode, String vatNumber) {
        return jdbc.query("select valid, name, address, request_date, consultation_number, checked_at, requester, "
                        + "valid_until from vat_check where connector_id = ? and country_code = ? and vat_number = ?",
                (rs, n) -> new Cached(new VatCheck(countryCode, vatNumber, rs.getBoolean(1), rs.getString(2),
                        rs.getString(3), rs.getDate(4).toLocalDate(), rs.getString(5), rs.getTimestamp(6).toInstant()),
                        rs.getString(7), rs.getTimestamp(8).toInstant()),
                connectorId, countryCode, vatNumber).stream().findFirst();
    }

    /** Keeps the answer in place of the previous one; two instances storing at once both succeed. */
    public void store(String connectorId, VatCheck check, String requester, Instant validUntil) {
        Object[] values = {requester, check.valid(), check.name(), check.address(), Date.valueOf(check.requestDate()),
                check.consultationNumber(), Timestamp.from(check.checkedAt()), Timestamp.from(validUntil),
                connectorId, check.countryCode(), check.vatNumber()};
        String update = "update vat_check set requester = ?, valid = ?, name = ?, address = ?, request_date = ?, "
                + "consultation_number = ?, checked_at = ?, valid_until = ? "
                + "where connector_id = ? and country_code = ? and vat_number = ?";
        if (jdbc.update(update, values) > 0) {
            return;
        }
        try {
            jdbc.update("insert into vat_check (requester, valid, name, address, request_date, consultation_number, "
                    + "checked_at, valid_until, connector_id, country_code, vat_number) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values);
        } catch (DuplicateKeyException anotherInstanceStoredItFirst) {
            jdbc.update(update, values);
        }
    }
}
