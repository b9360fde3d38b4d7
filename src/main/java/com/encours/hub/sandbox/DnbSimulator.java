package com.encours.hub.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays Dun &amp; Bradstreet Direct+ under {@code /dnb}: {@code POST /v2/token} (Basic consumer key and secret,
 * answers {@code access_token} and {@code expiresIn}, 24 hours), {@code GET /v1/match/cleanseMatch} by
 * {@code registrationNumber} (national number or VAT number) in {@code countryISOAlpha2Code}, answering
 * {@code matchCandidates} with a {@code confidenceCode} 1-10 (404 when nothing matches, as Direct+ does), and
 * {@code GET /v1/data/duns/{duns}} with the Financial Strength Insight and Payment Insight blocks built from the
 * {@link SandboxPortfolio}: the failure score percentile is the company's bureau score, so D&amp;B's band agrees
 * with Creditsafe's. Errors use Direct+'s {@code {transactionDetail, error: {errorCode, errorMessage}}}.
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class DnbSimulator implements SandboxSimulator {

    public static final String PREFIX = "/dnb";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(24);
    private static final String[] FAILURE_CLASSES = {"Lowest", "Low", "Moderate", "High", "Highest"};

    private final SandboxPortfolio portfolio;
    private final String consumerKey;
    private final String consumerSecret;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final FaultPlan faults = new FaultPlan();
    private final RawReply.Plan rawReplies = new RawReply.Plan();
    private final Map<String, Instant> validTokens = new ConcurrentHashMap<>();
    private final List<ExtraCandidate> extraCandidates = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger matchRequests = new AtomicInteger();
    private final AtomicInteger dataRequests = new AtomicInteger();

    @Autowired
    public DnbSimulator(SandboxPortfolio portfolio,
                        @Value("${hub.sandbox.dnb.consumer-key:sandbox-dnb-key}") String consumerKey,
                        @Value("${hub.sandbox.dnb.consumer-secret:sandbox-dnb-secret}") String consumerSecret) {
        this(portfolio, consumerKey, consumerSecret, Clock.systemUTC());
    }

    /** @param clock issues and checks token expiry, so tests can move past it without waiting */
    public DnbSimulator(SandboxPortfolio portfolio, String consumerKey, String consumerSecret, Clock clock) {
        this.portfolio = portfolio;
        this.consumerKey = consumerKey;
        this.consumerSecret = consumerSecret;
        this.clock = clock;
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    /** The DUNS number D&amp;B gives a portfolio company: nine digits from its customer number, e.g. 150010130. */
    public static String duns(SandboxPortfolio.Company company) {
        return String.format(Locale.ROOT, "%09d", 150_000_000L + Long.parseLong(company.number().substring(1)));
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public int matchRequests() {
        return matchRequests.get();
    }

    public int dataRequests() {
        return dataRequests.get();
    }

    /** Revokes every token issued so far, as when they expire early: the next call answers 401. */
    public void expireTokens() {
        validTokens.clear();
    }

    /**
     * Makes a match on {@code registrationNumber} also propose {@code company} with {@code confidenceCode},
     * listed before the genuine match, as D&amp;B does for branches and look-alikes.
     */
    public void addMatchCandidate(String registrationNumber, SandboxPortfolio.Company company, int confidenceCode) {
        extraCandidates.add(new ExtraCandidate(normalise(registrationNumber), company, confidenceCode));
    }

    /** Replies planned for requests whose path and query contain a fragment (a match, a DUNS number). */
    public RawReply.Plan rawReplies() {
        return rawReplies;
    }

    /** Back to a fresh simulator: counters, tokens, extra candidates, faults and planned replies. */
    public void reset() {
        faults.clear();
        rawReplies.clear();
        validTokens.clear();
        extraCandidates.clear();
        tokenRequests.set(0);
        matchRequests.set(0);
        dataRequests.set(0);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (method.equals("POST") && path.equals(PREFIX + "/v2/token")) {
            token(exchange);
        } else if (!method.equals("GET") || !(path.equals(PREFIX + "/v1/match/cleanseMatch")
                || path.startsWith(PREFIX + "/v1/data/duns/"))) {
            error(exchange, 404, "00037", "Not Found");
        } else if (!authorised(exchange)) {
            error(exchange, 401, "00041", "Unauthorized");
        } else if (path.endsWith("/cleanseMatch")) {
            matchRequests.incrementAndGet();
            if (!rawReplies.apply(exchange)) {
                match(exchange);
            }
        } else {
            dataRequests.incrementAndGet();
            if (!rawReplies.apply(exchange)) {
                data(exchange, path.substring((PREFIX + "/v1/data/duns/").length()));
            }
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        String expected = "Basic " + Base64.getEncoder().encodeToString((consumerKey + ":" + consumerSecret)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            error(exchange, 401, "00041", "Unauthorized");
            return;
        }
        Map<?, ?> body;
        try {
            body = json.readValue(exchange.getRequestBody(), Map.class);
        } catch (IOException e) {
            error(exchange, 400, "00008", "Malformed payload");
            return;
        }
        if (!"client_credentials".equals(body.get("grant_type"))) {
            error(exchange, 400, "00003", "One or more parameters are invalid or missing.");
            return;
        }
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        validTokens.put(token, clock.instant().plus(TOKEN_LIFETIME));
        send(exchange, 200, Map.of("access_token", token, "expiresIn", TOKEN_LIFETIME.toSeconds()));
    }

    private void match(HttpExchange exchange) throws IOException {
        Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
        String country = query.get("countryISOAlpha2Code");
        String registrationNumber = query.get("registrationNumber");
        if (country == null || country.length() != 2 || (registrationNumber == null && query.get("name") == null)) {
            error(exchange, 400, "00003", "One or more parameters are invalid or missing.");
            return;
        }
        String wanted = registrationNumber == null ? "" : normalise(registrationNumber);
        List<Map<String, Object>> candidates = new ArrayList<>();
        extraCandidates.stream().filter(extra -> extra.registrationNumber().equals(wanted))
                .forEach(extra -> candidates.add(candidate(candidates.size() + 1, extra.company(), extra.confidenceCode())));
        portfolio.companies().stream()
                .filter(c -> c.country().equalsIgnoreCase(country))
                .filter(c -> c.regNo().equals(wanted) || c.vat().equals(wanted))
                .forEach(c -> candidates.add(candidate(candidates.size() + 1, c, 10)));
        if (candidates.isEmpty()) {
            error(exchange, 404, "20502", "No match found for the given input criteria");
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("transactionDetail", transactionDetail());
        answer.put("inquiryDetail", Map.of("countryISOAlpha2Code", country, "registrationNumber", wanted));
        answer.put("candidatesMatchedQuantity", candidates.size());
        answer.put("matchDataCriteria", "National ID Lookup");
        answer.put("matchCandidates", candidates);
        send(exchange, 200, answer);
    }

    private Map<String, Object> candidate(int sequence, SandboxPortfolio.Company company, int confidenceCode) {
        Map<String, Object> organization = new LinkedHashMap<>();
        organization.put("duns", duns(company));
        organization.put("primaryName", company.name());
        organization.put("countryISOAlpha2Code", company.country());
        organization.put("registrationNumbers", List.of(Map.of("registrationNumber", company.regNo())));
        organization.put("dunsControlStatus", Map.of("operatingStatus", Map.of("description", "Active", "dnbCode", 9074)));
        return Map.of("displaySequence", sequence, "organization", organization, "matchQualityInformation",
                Map.of("confidenceCode", confidenceCode, "matchGrade", confidenceCode >= 8 ? "AAZZZZZZZZZ" : "BZZZZZZZZZZ",
                        "matchDataProfile", "0099999999999999999999999"));
    }

    private void data(HttpExchange exchange, String duns) throws IOException {
        Optional<SandboxPortfolio.Company> found = portfolio.companies().stream()
                .filter(c -> duns(c).equals(duns)).findFirst();
        if (found.isEmpty()) {
            error(exchange, 404, "10500", "DUNS not found");
            return;
        }
        SandboxPortfolio.Company company = found.get();
        String scoreDate = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(21).toString();
        Map<String, Object> assessment = new LinkedHashMap<>();
        Integer percentile = company.providerScore();
        if (percentile == null) {
            // D&B scores no company it has too little on: percentile 0, no class
            assessment.put("failureScore", Map.of("nationalPercentile", 0, "scoreDate", scoreDate));
        } else {
            int failureClass = Math.min(5, (100 - percentile) / 20 + 1);
            assessment.put("failureScore", score(failureClass, percentile, 1000 + percentile * 9, scoreDate,
                    "financial stress"));
            int delinquencyPercentile = Math.max(1, Math.min(100, percentile + 7));
            assessment.put("delinquencyScore", score(Math.min(5, (100 - delinquencyPercentile) / 20 + 1),
                    delinquencyPercentile, 300 + delinquencyPercentile * 3, scoreDate, "payment delinquency"));
        }
        if (company.creditLimit() != null && company.creditLimit().matches("\\d+")) {
            assessment.put("creditLimitRecommendation", Map.of("assessmentDate", scoreDate,
                    "maximumRecommendedLimit", Map.of("value", Long.parseLong(company.creditLimit()), "currency", "EUR")));
        }
        Map<String, Object> organization = new LinkedHashMap<>();
        organization.put("duns", duns);
        organization.put("primaryName", company.name());
        organization.put("countryISOAlpha2Code", company.country());
        organization.put("registrationNumbers", List.of(Map.of("registrationNumber", company.regNo())));
        organization.put("dunsControlStatus", Map.of("operatingStatus", Map.of("description", "Active", "dnbCode", 9074)));
        organization.put("dnbAssessment", assessment);
        if (percentile != null) {
            organization.put("businessTrading", List.of(Map.of("summary", List.of(Map.of(
                    "paydexScore", Math.min(100, 40 + percentile / 2), "dataCoverage", Map.of("tradeCount", 12))))));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("transactionDetail", transactionDetail());
        answer.put("inquiryDetail", Map.of("duns", duns, "blockIDs",
                List.of(QueryString.parse(exchange.getRequestURI().getRawQuery()).getOrDefault("blockIDs", "").split(","))));
        answer.put("organization", organization);
        send(exchange, 200, answer);
    }

    private static Map<String, Object> score(int classScore, int percentile, int rawScore, String scoreDate, String risk) {
        Map<String, Object> score = new LinkedHashMap<>();
        score.put("classScore", classScore);
        score.put("classScoreDescription", FAILURE_CLASSES[classScore - 1] + " risk of severe " + risk);
        score.put("nationalPercentile", percentile);
        score.put("rawScore", rawScore);
        score.put("scoreDate", scoreDate);
        return score;
    }

    private boolean authorised(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        Instant expires = header == null || !header.startsWith("Bearer ") ? null : validTokens.get(header.substring(7));
        return expires != null && clock.instant().isBefore(expires);
    }

    private Map<String, Object> transactionDetail() {
        return Map.of("transactionID", "rrt-" + UUID.randomUUID(), "transactionTimestamp", clock.instant().toString(),
                "inLanguage", "en-US", "serviceVersion", "1");
    }

    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, Map.of("transactionDetail", transactionDetail(),
                "error", Map.of("errorCode", code, "errorMessage", message)));
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String normalise(String identifier) {
        return identifier.replaceAll("[\\s.\\-/]", "").toUpperCase(Locale.ROOT);
    }

    private record ExtraCandidate(String registrationNumber, SandboxPortfolio.Company company, int confidenceCode) {
    }
}
