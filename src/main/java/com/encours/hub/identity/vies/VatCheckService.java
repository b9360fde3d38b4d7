package com.encours.hub.identity.vies;

import com.encours.hub.core.model.VatCheck;
import com.encours.hub.config.ConnectorConfigurationException;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.ConnectorState;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks VAT numbers with EU VIES through one {@code identity/vies} connector, answering from the
 * {@code vat_check} table while an earlier answer holds: a valid one for the connector's
 * {@code validResultTtl}, an invalid one for {@code invalidResultTtl}. Faults are never kept. With a requester
 * VAT number configured, each answer carries VIES's consultation number.
 */
public class VatCheckService {

    private final ConnectorInstance connector;
    private final ViesClient client;
    private final ConnectorState state;
    private final VatCheckCache cache;
    private final JsonataMapper mapper;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    /** The connector's own VAT number as VIES takes it; null when none is configured. */
    private final VatNumber requester;

    /** @param state where the connector's health shows: VIES answering, or failing and why */
    public VatCheckService(ConnectorInstance connector, ViesClient client, ConnectorState state, VatCheckCache cache,
                           JsonataMapper mapper, ObjectMapper json, Clock clock, MeterRegistry meters) {
        this.connector = connector;
        this.client = client;
        this.state = state;
        this.cache = cache;
        this.mapper = mapper;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.requester = requester(connector);
    }

    /** The connector whose VIES answers this service gives. */
    public ConnectorInstance connector() {
        return connector;
    }

    /**
     * Whether VIES knows {@code vatNumber} of {@code countryCode} as valid, with the name and address it gives.
     * The number may be written with its country prefix and separators ({@code BE 0417.497.106}); Greece may
     * be given as GR or EL.
     *
     * @throws ViesException transient (with {@link ViesException#retryAfter()}) when VIES or the member state
     *                       is busy or unavailable; not transient when the number is refused (fault
     *                       INVALID_INPUT, also when it is refused before asking) or VIES refuses the request
     * @throws MappingException when VIES's answer is not a checkVat answer
     */
    public VatCheck check(String countryCode, String vatNumber) {
        VatNumber number;
        try {
            number = VatNumber.of(countryCode, vatNumber);
        } catch (IllegalArgumentException e) {
            throw new ViesException(connector.id(), 0, ViesFault.INVALID_INPUT, "not asked to VIES: " + e.getMessage(),
                    null, null);
        }
        // the database keeps microseconds at best: a cached answer must equal the one first returned
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<VatCheck> cached = cached(number, now);
        if (cached.isPresent()) {
            return cached.get();
        }
        String requesterKey = requester == null ? null : requester.toString();
        VatCheck check;
        try {
            check = ask(number, now);
        } catch (ViesException e) {
            if (e.fault().filter(ViesFault::isAboutTheNumber).isPresent()) {
                state.recordSuccess(connector.id());
            } else {
                state.recordError(connector.id(), e.getMessage());
            }
            throw e;
        } catch (RuntimeException e) {
            state.recordError(connector.id(), e.getMessage());
            throw e;
        }
        state.recordSuccess(connector.id());
        Duration ttl = connector.durationProperty(check.valid() ? "validResultTtl" : "invalidResultTtl");
        cache.store(connector.id(), check, requesterKey, now.plus(ttl));
        meters.counter("hub.identity.vat-checks", "connector", connector.id(), "source", "vies").increment();
        return check;
    }

    /** The answer kept for this number while it holds, without asking VIES; empty for a number VIES would refuse. */
    public Optional<VatCheck> cached(String countryCode, String vatNumber) {
        try {
            return cached(VatNumber.of(countryCode, vatNumber), clock.instant());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<VatCheck> cached(VatNumber number, Instant now) {
        String requesterKey = requester == null ? null : requester.toString();
        Optional<VatCheck> cached = cache.find(connector.id(), number.countryCode(), number.number())
                .filter(answer -> answer.validUntil().isAfter(now) && Objects.equals(answer.requester(), requesterKey))
                .map(VatCheckCache.Cached::check);
        cached.ifPresent(answer -> meters.counter("hub.identity.vat-checks", "connector", connector.id(), "source",
                "cache").increment());
        return cached;
    }

    private VatCheck ask(VatNumber number, Instant now) {
        VatCheck check = map(client.check(connector, number, requester), now);
        if (!check.countryCode().equalsIgnoreCase(number.countryCode())
                || !check.vatNumber().equalsIgnoreCase(number.number())) {
            throw new ViesException(connector.id(), 200, null, "asked VIES about " + number + " and it answered about "
                    + check.countryCode() + check.vatNumber(), null, null);
        }
        return check;
    }

    private VatCheck map(Map<String, String> answer, Instant checkedAt) {
        String mapping = connector.mapping("vatCheck");
        String answerJson;
        try {
            answerJson = json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a map of strings as JSON", e);
        }
        Object mapped = mapper.map(mapping, answerJson, Map.of("checkedAt", checkedAt.toString()));
        try {
            return mapper.convert(mapped, VatCheck.class);
        } catch (IllegalArgumentException e) {
            throw new MappingException(mapping, "the VIES answer gave an invalid check: " + e.getMessage());
        }
    }

    /** Both requester properties or neither: half a requester would silently lose the consultation numbers. */
    private static VatNumber requester(ConnectorInstance connector) {
        String country = connector.property("requesterCountryCode");
        String number = connector.property("requesterVatNumber");
        String prefix = "hub.connectors." + connector.id() + ".properties.";
        if (country == null && number == null) {
            return null;
        }
        if (country == null || number == null) {
            throw new ConnectorConfigurationException("hub configuration",
                    prefix + (country == null ? "requesterCountryCode" : "requesterVatNumber"),
                    "set both requesterCountryCode and requesterVatNumber, or neither");
        }
        try {
            return VatNumber.of(country, number);
        } catch (IllegalArgumentException e) {
            throw new ConnectorConfigurationException("hub configuration", prefix + "requesterVatNumber", e.getMessage());
        }
    }
}
