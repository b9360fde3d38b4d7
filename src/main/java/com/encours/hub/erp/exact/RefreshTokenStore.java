package com.encours.hub.erp.exact;

import com.encours.hub.core.Hashes;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The current OAuth tokens of a connector whose refresh token rotates (table {@code partner_token}).
 * A refresh runs inside {@link #renew}: in one database transaction that holds the connector's row lock,
 * so a second hub instance waits, then finds the tokens the first one stored and uses them instead of
 * presenting the spent refresh token. The new refresh token is committed before {@link #renew} returns,
 * that is before the access token that came with it is used.
 */
@Repository
public class RefreshTokenStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public RefreshTokenStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
    }

    /** What is stored for a connector: its refresh token and, once one was obtained, an access token. */
    public record Tokens(String refreshToken, String accessToken, Instant accessExpiresAt) {

        /** The access token, if one is stored that is not the one rejected and lasts beyond {@code until}. */
        Optional<String> accessUsableUntil(Instant until, String rejected) {
            boolean usable = accessToken != null && accessExpiresAt != null && accessExpiresAt.isAfter(until)
                    && !accessToken.equals(rejected);
            return usable ? Optional.of(accessToken) : Optional.empty();
        }

        @Override
        public String toString() {
            return "Tokens[**** (access token until " + accessExpiresAt + ")]";
        }
    }

    /** The tokens stored for the connector, read without a lock (the refresh token itself is only used in {@link #renew}). */
    public Optional<Tokens> current(String connectorId) {
        return jdbc.query("select refresh_token, access_token, access_expires_at from partner_token where connector_id = ?",
                RefreshTokenStore::tokens, connectorId).stream().findFirst();
    }

    /**
     * Locks the connector's row and hands its tokens to {@code step}, which may call the partner and returns
     * the tokens to keep; they are committed before this method returns. The first time, the row is created
     * from {@code configuredRefreshToken}; later, that token replaces the stored one only when it is another
     * than the one configured before (a person authorised the hub again).
     *
     * @throws RuntimeException whatever {@code step} throws; nothing is changed then
     */
    public Tokens renew(String connectorId, String configuredRefreshToken, UnaryOperator<Tokens> step) {
        String seed = Hashes.shortSha256(configuredRefreshToken);
        createIfAbsent(connectorId, configuredRefreshToken, seed);
        return transactions.execute(status -> {
            Tokens stored = lock(connectorId, configuredRefreshToken, seed);
            Tokens renewed = step.apply(stored);
            if (!renewed.equals(stored)) {
                jdbc.update("update partner_token set refresh_token = ?, access_token = ?, access_expires_at = ?, "
                                + "rotated_at = ? where connector_id = ?", renewed.refreshToken(), renewed.accessToken(),
                        timestamp(renewed.accessExpiresAt()), Timestamp.from(clock.instant()), connectorId);
            }
            return renewed;
        });
    }

    /** Outside the renewal's transaction: on PostgreSQL a failed insert would abort it. */
    private void createIfAbsent(String connectorId, String configuredRefreshToken, String seed) {
        if (current(connectorId).isPresent()) {
            return;
        }
        try {
            jdbc.update("insert into partner_token (connector_id, refresh_token, seed_sha256, rotated_at) "
                    + "values (?, ?, ?, ?)", connectorId, configuredRefreshToken, seed, Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException createdByAnotherInstance) {
            // the same row, created by the instance that got there first
        }
    }

    private Tokens lock(String connectorId, String configuredRefreshToken, String seed) {
        Locked locked = jdbc.query("select refresh_token, access_token, access_expires_at, seed_sha256 "
                        + "from partner_token where connector_id = ? for update",
                (rs, n) -> new Locked(tokens(rs, n), rs.getString(4)), connectorId).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("partner_token row of " + connectorId + " vanished"));
        if (locked.seed().equals(seed)) {
            return locked.tokens();
        }
        jdbc.update("update partner_token set refresh_token = ?, access_token = null, access_expires_at = null, "
                        + "seed_sha256 = ?, rotated_at = ? where connector_id = ?", configuredRefreshToken, seed,
                Timestamp.from(clock.instant()), connectorId);
        return new Tokens(configuredRefreshToken, null, null);
    }

    private record Locked(Tokens tokens, String seed) {
    }

    private static Tokens tokens(ResultSet rs, int row) throws SQLException {
        Timestamp expires = rs.getTimestamp(3);
        return new Tokens(rs.getString(1), rs.getString(2), expires == null ? null : expires.toInstant());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(Objects.requireNonNull(instant));
    }
}
