package com.encours.hub.identity.vies;

import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.model.VatCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What VIES says of a debtor's EU VAT number, for its enriched events: valid or not, the registered name and
 * address, the consultation number. Best effort: without a VIES connector, without an EU VAT number, or while
 * VIES or the member state cannot answer (the connector's health shows why), the debtor goes without a check
 * and is asked about again with its next change; answers are cached by {@link VatCheckService}. After a
 * transient failure VIES is not asked about that member state again before the fault's retry-after (answers
 * kept still count): an outage costs one failed call per member state, not one per debtor.
 */
@Component
public class DebtorVatChecks {

    private static final Logger log = LoggerFactory.getLogger(DebtorVatChecks.class);

    private final ObjectProvider<VatCheckService> service;
    private final Clock clock;
    /** Member states VIES could not answer for, until when. */
    private final Map<String, Instant> unavailableUntil = new ConcurrentHashMap<>();

    public DebtorVatChecks(ObjectProvider<VatCheckService> service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    public Optional<VatCheck> of(Debtor debtor) {
        VatCheckService vies = service.getIfAvailable();
        Optional<String> vat = debtor.identifiers().stream().filter(id -> id.scheme() == IdentifierScheme.VAT)
                .map(DebtorIdentifier::value)
                .filter(value -> value.length() > 2 && (VatNumber.MEMBER_STATES.contains(value.substring(0, 2))
                        || value.startsWith("GR")))
                .findFirst();
        if (vies == null || vat.isEmpty()) {
            return Optional.empty();
        }
        String country = vat.get().substring(0, 2);
        String number = vat.get().substring(2);
        Instant pausedUntil = unavailableUntil.get(country);
        if (pausedUntil != null && clock.instant().isBefore(pausedUntil)) {
            return vies.cached(country, number);
        }
        try {
            return Optional.of(vies.check(country, number));
        } catch (ViesException | MappingException e) {
            log.warn("{}: VAT number {} not checked now: {}", debtor.debtorKey(), vat.get(), e.getMessage());
            if (e instanceof ViesException fault) {
                fault.retryAfter().ifPresent(wait -> unavailableUntil.put(country, clock.instant().plus(wait)));
            }
            return Optional.empty();
        }
    }
}
