package com.encours.hub.bureau.dnb;

import com.encours.hub.bureau.BureauClient;
import com.encours.hub.bureau.BureauReports;
import com.encours.hub.bureau.BureauSessions;
import com.encours.hub.bureau.DebtorCountry;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.InvalidMessageException;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

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

/**
 * Speaks Dun &amp; Bradstreet Direct+ ({@code dnb-direct-plus}): one access token per connector from
 * {@code POST /v2/token}, reused until shortly before its {@code expiresIn}; the debtor's DUNS number when
 * the ERP gives one, else the best {@code cleanseMatch} candidate for its registration or VAT number; then
 * the data blocks of that DUNS number, mapped with the connector's {@code assessment} mapping.
 * <p>
 * A match is used only when it is certain enough: its confidence code (1-10) reaches
 * {@code minConfidenceCode}, and no other company shares the top confidence. Otherwise the debtor gets an
 * assessment without score that says why and which DUNS numbers D&amp;B proposed, so that a credit manager
 * can put the right DUNS number in the ERP (a change of identifiers is assessed again at once). Scoring
 * the wrong company would be worse than scoring none.
 * <p>
 * Refused credentials are never retried, and not tried again for {@code loginRetryBlock}; a 401 on a data
 * call gets one new token and one new attempt ({@link BureauSessions}).
 */
@Component
public class DnbDirectPlusClient implements BureauClient {

    public static final String PROTOCOL = "dnb-direct-plus";
    static final String PROVIDER = "dnb";

    /** Renew this long before expiry so a call never leaves with a token about to die in flight. */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
    /** Data blocks of one company are tens of kilobytes; megabytes are not, and are refused unread. */
    static final long MAX_BODY_BYTES = 2L * 1024 * 1024;
    /** Registration numbers D&amp;B matches on, in the order tried; the VAT number comes after them. */
    private static final List<IdentifierScheme> REGISTRATION_SCHEMES =
            List.of(IdentifierScheme.BE_KBO, IdentifierScheme.FR_SIREN, IdentifierScheme.NL_KVK);
    private static final String ADD_DUNS = "put the debtor's DUNS number in the ERP to have it assessed";

    private final PartnerHttp http;
    private final JsonataMapper mapper;
    private final ObjectMapper json;
    private final Duration assessmentTtl;
    private final Clock clock;
    private final BureauSessions sessions;

    @Autowired
    public DnbDirectPlusClient(PartnerHttp http, JsonataMapper mapper, ObjectMapper json,
                               @Value("${hub.bureau.assessment-ttl:P30D}") Duration assessmentTtl) {
        this(http, mapper, json, assessmentTtl, Clock.systemUTC());
    }

    public DnbDirectPlusClient(PartnerHttp http, JsonataMapper mapper, ObjectMapper json, Duration assessmentTtl,
                               Clock clock) {
        this.http = http;
        this.mapper = mapper;
        this.json = json;
        this.assessmentTtl = assessmentTtl;
        this.clock = clock;
        this.sessions = new BureauSessions("D&B", clock, this::requestToken, "consumerKey", "consumerSecret");
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public CreditAssessment assess(ConnectorInstance connector, Debtor debtor) {
        connector.requireProtocol(PROTOCOL);
        Match match = match(connector, debtor);
        Instant fetchedAt = clock.instant();
        if (match.duns() == null) {
            return BureauReports.notRated(PROVIDER, match.note(), fetchedAt, assessmentTtl);
        }
        HttpResponse<String> data = get(connector, "/v1/data/duns/" + encode(match.duns()) + "?blockIDs="
                + encode(connector.property("blockIDs")));
        return BureauReports.withNote(BureauReports.map(mapper, connector, data.body(), fetchedAt, assessmentTtl),
                match.note());
    }

    /** The DUNS number to read: the debtor's own, else a certain cleanseMatch candidate; or why there is none. */
    private Match match(ConnectorInstance connector, Debtor debtor) {
        String duns = debtor.identifier(IdentifierScheme.DUNS);
        if (duns != null) {
            return new Match(duns, null);
        }
        DebtorIdentifier searched = debtor.identifiers().stream()
                .filter(id -> REGISTRATION_SCHEMES.contains(id.scheme())).findFirst()
                .orElseGet(() -> debtor.identifiers().stream().filter(id -> id.scheme() == IdentifierScheme.VAT)
                        .findFirst().orElse(null));
        if (searched == null) {
            return new Match(null, "Not rated: the debtor has no DUNS, registration or VAT number to match at D&B");
        }
        String country = DebtorCountry.of(debtor).orElseThrow(() -> new InvalidMessageException("Debtor "
                + debtor.debtorKey() + " has no country, and none can be told from its identifiers: D&B needs one to match"));
        String what = searched.scheme() + " " + searched.value();
        List<Candidate> candidates = cleanseMatch(connector, country, searched.value(), debtor.name());
        if (candidates.isEmpty()) {
            return new Match(null, "Not rated: D&B matched no company in " + country + " to " + what);
        }
        int top = candidates.stream().mapToInt(Candidate::confidence).max().orElseThrow();
        List<String> best = candidates.stream().filter(c -> c.confidence() == top).map(Candidate::duns).distinct().toList();
        int required = connector.intProperty("minConfidenceCode");
        if (top < required) {
            return new Match(null, "Not rated: the best D&B match to " + what + " has confidence " + top
                    + ", below the " + required + " required (DUNS " + String.join(", ", best) + "); " + ADD_DUNS);
        }
        if (best.size() > 1) {
            return new Match(null, "Not rated: " + best.size() + " D&B companies match " + what + " with confidence "
                    + top + " (DUNS " + String.join(", ", best) + "); " + ADD_DUNS);
        }
        return new Match(best.get(0), "matched by " + what + ", D&B confidence " + top);
    }

    /**
     * The match candidates; none when D&B answers 404. The token came from the same base URL a moment ago,
     * so a 404 here is D&B finding no candidate, not a wrong address.
     */
    private List<Candidate> cleanseMatch(ConnectorInstance connector, String country, String registrationNumber,
                                         String name) {
        String query = "/v1/match/cleanseMatch?countryISOAlpha2Code=" + encode(country)
                + "&registrationNumber=" + encode(registrationNumber) + "&name=" + encode(name);
        HttpResponse<String> response;
        try {
            response = get(connector, query);
        } catch (PartnerException e) {
            if (e.status() == 404 && !(e instanceof PartnerAuthenticationException)) {
                return List.of();
            }
            throw e;
        }
        JsonNode matches = parse(connector, response).path("matchCandidates");
        if (matches.isMissingNode() || matches.isNull()) {
            return List.of();
        }
        if (!matches.isArray()) {
            throw malformed(connector, response, "matchCandidates that is not an array");
        }
        List<Candidate> candidates = new ArrayList<>();
        for (JsonNode match : matches) {
            String duns = match.path("organization").path("duns").asText("");
            JsonNode confidence = match.path("matchQualityInformation").path("confidenceCode");
            if (!duns.matches("[0-9]{9}") || !confidence.canConvertToInt()
                    || confidence.asInt() < 1 || confidence.asInt() > 10) {
                throw malformed(connector, response, "a match candidate without a nine-digit organization.duns "
                        + "and a matchQualityInformation.confidenceCode 1-10");
            }
            candidates.add(new Candidate(duns, confidence.asInt()));
        }
        return candidates;
    }

    /** GET with the connector's token (renewed once if D&B refuses it). */
    private HttpResponse<String> get(ConnectorInstance connector, String pathAndQuery) {
        URI uri = URI.create(connector.property("baseUrl") + pathAndQuery);
        return sessions.call(connector, token -> http.send(connector.id(), policy(connector), MAX_BODY_BYTES,
                () -> request(connector, uri).header("Authorization", "Bearer " + token).GET().build()));
    }

    /** POST /v2/token with the consumer key and secret as Basic credentials. */
    private BureauSessions.Issued requestToken(ConnectorInstance connector, Instant now) {
        URI uri = URI.create(connector.property("baseUrl") + "/v2/token");
        String basic = Base64.getEncoder().encodeToString((connector.property("consumerKey") + ":"
                + connector.property("consumerSecret")).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(connector.id(), policy(connector), () -> request(connector, uri)
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build());
        JsonNode body = parse(connector, response);
        String issued = body.path("access_token").asText("");
        JsonNode expiresIn = body.path("expiresIn");
        if (issued.isBlank() || !expiresIn.canConvertToLong() || expiresIn.asLong() <= 0) {
            throw malformed(connector, response, "a token without access_token and a positive expiresIn");
        }
        Duration lifetime = Duration.ofSeconds(expiresIn.asLong());
        // a token shorter-lived than twice the margin is used for half its life rather than not at all
        return new BureauSessions.Issued(issued, now.plus(lifetime.compareTo(RENEW_BEFORE_EXPIRY.multipliedBy(2)) > 0
                ? lifetime.minus(RENEW_BEFORE_EXPIRY) : lifetime.dividedBy(2)));
    }

    private static HttpRequest.Builder request(ConnectorInstance connector, URI uri) {
        return HttpRequest.newBuilder(uri).timeout(connector.durationProperty("requestTimeout"))
                .header("Accept", "application/json");
    }

    private JsonNode parse(ConnectorInstance connector, HttpResponse<String> response) {
        try {
            JsonNode body = response.body() == null ? null : json.readTree(response.body());
            if (body == null || !body.isObject()) {
                throw malformed(connector, response, "a body that is not a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw malformed(connector, response, "a body that is not JSON");
        }
    }

    /** Not transient: D&B answering nonsense will answer the same nonsense on redelivery. */
    private static PartnerException malformed(ConnectorInstance connector, HttpResponse<String> response, String what) {
        return new PartnerException(connector.id(), response.statusCode(), false,
                response.request().uri().getPath() + " answered " + what, null);
    }

    private static RetryPolicy policy(ConnectorInstance connector) {
        return RetryPolicy.of(connector.descriptor().spec().retry());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The DUNS number to read (null when none), and what the credit manager should know about the match. */
    private record Match(String duns, String note) {
    }

    private record Candidate(String duns, int confidence) {
    }
}
