package com.encours.hub.bureau;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * The access tokens of a bureau's connectors, one per connector, reused until the bureau's own login says
 * to renew it. Bureaus lock or meter accounts, so refused credentials are never retried: after a refusal
 * the same credentials are not tried again for the connector's {@code loginRetryBlock} (calls fail at once
 * instead, so that redelivered messages cannot lock the account). Changed credentials start afresh.
 */
public final class BureauSessions {

    private static final Logger log = LoggerFactory.getLogger(BureauSessions.class);

    /** A token and when to stop using it. */
    public record Issued(String token, Instant renewAt) {
    }

    /** Asks the bureau for a new token; throws {@link PartnerAuthenticationException} when it refuses. */
    @FunctionalInterface
    public interface Login {
        Issued login(ConnectorInstance connector, Instant now);
    }

    private final String partner;
    private final Clock clock;
    private final Login login;
    private final List<String> credentialProperties;
    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    /** @param credentialProperties the connector properties that make up the credentials */
    public BureauSessions(String partner, Clock clock, Login login, String... credentialProperties) {
        this.partner = partner;
        this.clock = clock;
        this.login = login;
        this.credentialProperties = List.of(credentialProperties);
    }

    /**
     * Calls the bureau with the connector's current token. A 401 means the token died early (revoked,
     * expired before its time): one new token, one new call; a second refusal is the bureau's answer.
     */
    public <T> T call(ConnectorInstance connector, Function<String, T> call) {
        Session session = session(connector);
        String token = session.token(connector);
        try {
            return call.apply(token);
        } catch (PartnerAuthenticationException e) {
            if (e.status() != 401) {
                throw e;
            }
            log.info("{}: {} refused the access token; asking for a new one once", connector.id(), partner);
            session.invalidate(token);
            return call.apply(session.token(connector));
        }
    }

    private Session session(ConnectorInstance connector) {
        List<String> credentials = credentialProperties.stream().map(connector::property).toList();
        return sessions.compute(connector.id(), (id, current) ->
                current != null && current.credentials.equals(credentials) ? current : new Session(credentials));
    }

    /** One connector's token. Renewal is serialised so that concurrent calls share one login. */
    private final class Session {

        private final List<String> credentials;
        private String token;
        private Instant renewAt;
        private Instant refusedUntil;

        Session(List<String> credentials) {
            this.credentials = credentials;
        }

        synchronized String token(ConnectorInstance connector) {
            Instant now = clock.instant();
            if (token != null && now.isBefore(renewAt)) {
                return token;
            }
            if (refusedUntil != null && now.isBefore(refusedUntil)) {
                throw new PartnerAuthenticationException(connector.id(), 401, partner + " refused these credentials; "
                        + "no new login before " + refusedUntil + " so that the account is not locked (fix the "
                        + "credentials, then retry)");
            }
            try {
                Issued issued = login.login(connector, now);
                token = issued.token();
                renewAt = issued.renewAt();
            } catch (PartnerAuthenticationException e) {
                refusedUntil = now.plus(connector.durationProperty("loginRetryBlock"));
                token = null;
                throw e;
            }
            return token;
        }

        /** Forgets the token only if it is still the one refused: another thread may have renewed it already. */
        synchronized void invalidate(String refused) {
            if (Objects.equals(token, refused)) {
                token = null;
            }
        }
    }
}
