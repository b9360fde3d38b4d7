package com.encours.hub.bureau.creditsafe;

import com.encours.hub.bureau.BureauAlert;
import com.encours.hub.bureau.BureauClient;
import com.encours.hub.bureau.BureauMonitoring;
import com.encours.hub.bureau.BureauReports;
import com.encours.hub.bureau.BureauSessions;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Speaks Creditsafe Connect ({@code creditsafe-connect}): logs in once per connector and reuses the JWT
 * until shortly before it expires, finds the debtor by VAT number and then by national registration
 * number, and maps the company credit report with the connector's {@code assessment} mapping.
 * <p>
 * Creditsafe locks an account after a few refused logins, so a refused login is never retried, and the
 * same credentials are not tried again for {@code loginRetryBlock}. A 401 on a data call means the token
 * was revoked or expired early: the client logs in again once and repeats the call once.
 * <p>
 * Monitoring: the notification events of the account's portfolios ({@code GET /monitoring/notificationEvents}
 * from a start date, sorted by event date, page by page). An event names the company by its connectId only,
 * so its alert carries it as the provider reference of the assessments made from that company's report.
 */
@Component
public class CreditsafeClient implements BureauClient, BureauMonitoring {

    public static final String PROTOCOL = "creditsafe-connect";
    static final String PROVIDER = "creditsafe";

    private static final Logger log = LoggerFactory.getLogger(CreditsafeClient.class);
    /** Creditsafe tokens live one hour; without a readable exp claim we assume a little less. */
    private static final Duration ASSUMED_TOKEN_LIFETIME = Duration.ofMinutes(55);
    /** Renew this long before expiry so a call never leaves with a token about to die in flight. */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(1);
    private static final int DEFAULT_PAGE_SIZE = 10;
    /** Creditsafe's largest page of notification events. */
    private static final int MONITORING_PAGE_SIZE = 1000;
    /** A credit report is tens of kilobytes; a body of megabytes is not one, and is refused unread. */
    static final long MAX_BODY_BYTES = 2L * 1024 * 1024;
    /** National registration numbers Creditsafe searches as regNo (a debtor carries its own country's). */
    private static final List<IdentifierScheme> REGISTRATION_SCHEMES =
            List.of(IdentifierScheme.BE_KBO, IdentifierScheme.FR_SIREN, IdentifierScheme.NL_KVK);

    private final PartnerHttp http;
    private final JsonataMapper mapper;
    private final ObjectMapper json;
    private final Duration assessmentTtl;
    private final Clock clock;
    private final BureauSessions sessions;

    @Autowired
    public CreditsafeClient(PartnerHttp http, JsonataMapper mapper, ObjectMapper json,
                            @Value("${hub.bureau.assessment-ttl:P30D}") Duration assessmentTtl) {
        this(http, mapper, json, assessmentTtl, Clock.systemUTC());
    }

    public CreditsafeClient(PartnerHttp http, JsonataMapper mapper, ObjectMapper json, Duration assessmentTtl,
                            Clock clock) {
        this.http = http;
        this.mapper = mapper;
        this.json = json;
        this.assessmentTtl = assessmentTtl;
        this.clock = clock;
        this.sessions = new BureauSessions("Creditsafe", clock, this::login, "username", "password");
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public CreditAssessment assess(ConnectorInstance connector, Debtor debtor) {
        connector.requireProtocol(PROTOCOL);
        Lookup lookup = find(connector, debtor);
        Instant fetchedAt = clock.instant();
        if (lookup.chosen() == null) {
            return BureauReports.notRated(PROVIDER, lookup.note(), fetchedAt, assessmentTtl);
        }
        String connectId = lookup.chosen().path("id").asText();
        HttpResponse<String> report = get(connector, "/companies/" + encode(connectId));
        return BureauReports.withNote(BureauReports.map(mapper, connector, report.body(), fetchedAt, assessmentTtl),
                lookup.note());
    }

    @Override
    public List<BureauAlert> changesSince(ConnectorInstance connector, Instant since) {
        connector.requireProtocol(PROTOCOL);
        List<BureauAlert> alerts = new ArrayList<>();
        for (int page = 0; ; page++) {
            HttpResponse<String> response = get(connector, "/monitoring/notificationEvents?startDate=" + encode(since.toString())
                    + "&sortBy=eventDate&sortDir=asc&page=" + page + "&pageSize=" + MONITORING_PAGE_SIZE);
            JsonNode body = parse(connector, response);
            JsonNode events = body.path("data");
            if (!events.isArray()) {
                throw new PartnerException(connector.id(), response.statusCode(), false,
                        "/monitoring/notificationEvents answered without a data array", null);
            }
            for (JsonNode event : events) {
                String connectId = event.path("company").path("id").asText(null);
                Instant raisedAt = Instant.parse(event.path("eventDate").asText());
                // startDate may be read as a day by Creditsafe: what the watermark already covers is skipped
                if (connectId != null && raisedAt.isAfter(since)) {
                    alerts.add(new BureauAlert(event.path("notificationEventId").asText(), PROVIDER, connectId, List.of(),
                            raisedAt, event.path("ruleCode").asText(), event.path("ruleName").asText() + " ("
                            + event.path("oldValue").asText("?") + " -> " + event.path("newValue").asText("?") + ")"));
                }
            }
            if (events.isEmpty() || !body.path("paging").path("next").canConvertToInt()) {
                return alerts;
            }
        }
    }

    /** Searches by VAT number, then by registration number; the note says why nothing or which one was chosen. */
    private Lookup find(ConnectorInstance connector, Debtor debtor) {
        String vat = debtor.identifier(IdentifierScheme.VAT);
        DebtorIdentifier registration = debtor.identifiers().stream()
                .filter(id -> REGISTRATION_SCHEMES.contains(id.scheme())).findFirst().orElse(null);
        if (vat == null && registration == null) {
            return new Lookup(null, "Not rated: the debtor has no VAT or registration number to search Creditsafe with");
        }
        String country = country(debtor, vat, registration);
        List<String> tried = new ArrayList<>();
        if (vat != null) {
            String vatNo = Boolean.parseBoolean(connector.property("vatWithCountryPrefix")) ? vat : vatDigits(vat);
            tried.add("VAT " + vat);
            List<JsonNode> found = search(connector, country, "vatNo", vatNo);
            if (!found.isEmpty()) {
                return choose(found, "VAT " + vat, candidate -> vatMatches(candidate, vat));
            }
        }
        if (registration != null) {
            String regNo = registration.value();
            tried.add(registration.scheme() + " " + regNo);
            List<JsonNode> found = search(connector, country, "regNo", regNo);
            if (!found.isEmpty()) {
                return choose(found, "regNo " + regNo,
                        candidate -> regNo.equals(DebtorIdentifier.normalise(candidate.path("regNo").asText(null))));
            }
        }
        return new Lookup(null, "Not rated: no company found at Creditsafe in " + country + " for "
                + String.join(" or ", tried));
    }

    /** Several matches: the one whose identifier matches exactly, else the first active one, else the first. */
    private static Lookup choose(List<JsonNode> found, String searched, Predicate<JsonNode> exact) {
        if (found.size() == 1) {
            return new Lookup(found.get(0), null);
        }
        List<JsonNode> exactMatches = found.stream().filter(exact).toList();
        List<JsonNode> pool = exactMatches.isEmpty() ? found : exactMatches;
        JsonNode chosen = pool.stream().filter(c -> "Active".equalsIgnoreCase(c.path("status").asText()))
                .findFirst().orElse(pool.get(0));
        String why = exactMatches.size() == 1 ? "exact match"
                : exactMatches.isEmpty() ? "no exact match, first active one" : "first active exact match";
        String note = found.size() + " Creditsafe companies matched " + searched + "; used "
                + chosen.path("id").asText() + " (" + why + ")";
        log.info("{}", note);
        return new Lookup(chosen, note);
    }

    private List<JsonNode> search(ConnectorInstance connector, String country, String criterion, String value) {
        String query = "/companies?countries=" + encode(country) + "&" + criterion + "=" + encode(value)
                + "&pageSize=" + pageSize(connector);
        HttpResponse<String> response = get(connector, query);
        JsonNode companies = parse(connector, response).path("companies");
        if (!companies.isArray()) {
            // "not found" is an empty list; anything else is not a search result, and must not read as "not rated"
            throw new PartnerException(connector.id(), response.statusCode(), false,
                    response.request().uri().getPath() + " answered a search without a companies array", null);
        }
        List<JsonNode> found = new ArrayList<>();
        companies.forEach(found::add);
        return found;
    }

    /** GET with the connector's token (Creditsafe is logged in to again once if it refuses it). */
    private HttpResponse<String> get(ConnectorInstance connector, String pathAndQuery) {
        URI uri = URI.create(connector.property("baseUrl") + pathAndQuery);
        return sessions.call(connector, token -> http.send(connector.id(), policy(connector), MAX_BODY_BYTES,
                () -> request(connector, uri, token).GET().build()));
    }

    private HttpRequest.Builder request(ConnectorInstance connector, URI uri, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(connector.durationProperty("requestTimeout"))
                .header("Accept", "application/json");
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private JsonNode parse(ConnectorInstance connector, HttpResponse<String> response) {
        try {
            JsonNode body = response.body() == null ? null : json.readTree(response.body());
            if (body == null || !body.isObject()) {
                throw new PartnerException(connector.id(), response.statusCode(), false,
                        response.request().uri().getPath() + " answered a body that is not a JSON object", null);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new PartnerException(connector.id(), response.statusCode(), false,
                    response.request().uri().getPath() + " answered a body that is not JSON", null);
        }
    }

    private static RetryPolicy policy(ConnectorInstance connector) {
        return RetryPolicy.of(connector.descriptor().spec().retry());
    }

    private static int pageSize(ConnectorInstance connector) {
        Map<String, Object> paging = connector.descriptor().spec().paging();
        Object size = paging == null ? null : paging.get("pageSize");
        return size == null ? DEFAULT_PAGE_SIZE : Integer.parseInt(String.valueOf(size));
    }

    private static String country(Debtor debtor, String vat, DebtorIdentifier registration) {
        if (debtor.country() != null) {
            return debtor.country();
        }
        if (vat != null && vat.length() > 2 && Character.isLetter(vat.charAt(0)) && Character.isLetter(vat.charAt(1))) {
            return vat.substring(0, 2);
        }
        if (registration != null) {
            return registration.scheme().name().substring(0, 2);
        }
        throw new InvalidMessageException("Debtor " + debtor.debtorKey()
                + " has no country, and none can be told from its identifiers: Creditsafe needs one to search");
    }

    private static boolean vatMatches(JsonNode candidate, String vat) {
        JsonNode vatNo = candidate.path("vatNo");
        List<JsonNode> values = new ArrayList<>();
        if (vatNo.isArray()) {
            vatNo.forEach(values::add);
        } else if (!vatNo.isMissingNode() && !vatNo.isNull()) {
            values.add(vatNo);
        }
        String wanted = vatDigits(vat);
        return values.stream().map(v -> vatDigits(DebtorIdentifier.normalise(v.asText()))).anyMatch(wanted::equals);
    }

    /** The VAT number without its two-letter country prefix, as some Creditsafe countries store it. */
    private static String vatDigits(String vat) {
        return vat.length() > 2 && Character.isLetter(vat.charAt(0)) && Character.isLetter(vat.charAt(1))
                ? vat.substring(2) : vat;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The company chosen among the search results (null when none), and what the credit manager should know. */
    private record Lookup(JsonNode chosen, String note) {
    }

    /** POST /authenticate; the JWT is renewed shortly before the expiry its claim gives. */
    private BureauSessions.Issued login(ConnectorInstance connector, Instant now) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("username", connector.property("username"),
                    "password", connector.property("password")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the login body", e);
        }
        URI uri = URI.create(connector.property("baseUrl") + "/authenticate");
        HttpResponse<String> response = http.send(connector.id(), policy(connector), () ->
                request(connector, uri, null).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        String issued = parse(connector, response).path("token").asText(null);
        if (issued == null || issued.isBlank()) {
            throw new PartnerException(connector.id(), response.statusCode(), false,
                    "/authenticate answered without a token", null);
        }
        return new BureauSessions.Issued(issued, expiry(issued, now).minus(RENEW_BEFORE_EXPIRY));
    }

    /** The JWT's exp claim when it can be read, else the assumed lifetime from now. */
    private Instant expiry(String jwt, Instant now) {
        String[] parts = jwt.split("\\.");
        if (parts.length >= 2) {
            try {
                JsonNode exp = json.readTree(Base64.getUrlDecoder().decode(parts[1])).path("exp");
                if (exp.canConvertToLong()) {
                    return Instant.ofEpochSecond(exp.asLong());
                }
            } catch (IllegalArgumentException | IOException notAJwt) {
                log.debug("Creditsafe token has no readable exp claim; assuming {}", ASSUMED_TOKEN_LIFETIME);
            }
        }
        return now.plus(ASSUMED_TOKEN_LIFETIME);
    }
}
