package com.encours.hub.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays Creditsafe Connect under {@code /creditsafe/v1}: {@code POST /authenticate} (JWT valid one hour;
 * the account locks after three refused logins, as Creditsafe's does), {@code GET /companies} searched by
 * {@code vatNo} or {@code regNo}, and {@code GET /companies/{connectId}} credit reports built from the
 * {@link SandboxPortfolio}. Error bodies follow Connect's {@code {correlationId, message, details}} shape.
 * Monitoring: one portfolio holding every portfolio company ({@code GET /monitoring/portfolios}) and the
 * notification events raised by {@link #raiseEvent} ({@code GET /monitoring/notificationEvents}, filtered by
 * {@code startDate}, sorted by event date, paged from page 0 with {@code data}, {@code totalCount} and
 * {@code paging}).
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class CreditsafeSimulator implements SandboxSimulator {

    public static final String PREFIX = "/creditsafe";
    static final int LOCK_AFTER_REFUSED_LOGINS = 3;
    static final int PORTFOLIO_ID = 1036987;
    private static final String API = PREFIX + "/v1";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final String ACCESS_DENIED = "Access denied - Please check that your username and password are "
            + "correct. Please be aware that usernames and passwords are case sensitive. If the problem persists, "
            + "please contact your Creditsafe account manager.";
    private static final Map<String, String> DESCRIPTIONS = Map.of("A", "Very Low Risk", "B", "Low Risk",
            "C", "Moderate Risk", "D", "High Risk", "E", "Very High Risk");

    private final SandboxPortfolio portfolio;
    private final String username;
    private final String password;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final FaultPlan faults = new FaultPlan();
    private final RawReply.Plan rawReplies = new RawReply.Plan();
    private final Clock clock;
    /** Issued tokens and when each expires. */
    private final Map<String, Instant> validTokens = new ConcurrentHashMap<>();
    private final List<ExtraResult> extraResults = new CopyOnWriteArrayList<>();
    /** Companies the bureau now rates otherwise than the portfolio says, by company number. */
    private final Map<String, SandboxPortfolio.Company> rerated = new ConcurrentHashMap<>();
    private final AtomicInteger authenticateRequests = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();
    private final AtomicInteger searchRequests = new AtomicInteger();
    private final AtomicInteger reportRequests = new AtomicInteger();
    private final List<Map<String, Object>> notificationEvents = new CopyOnWriteArrayList<>();

    @Autowired
    public CreditsafeSimulator(SandboxPortfolio portfolio,
                               @Value("${hub.sandbox.creditsafe.username:sandbox-user}") String username,
                               @Value("${hub.sandbox.creditsafe.password:sandbox-password}") String password) {
        this(portfolio, username, password, Clock.systemUTC());
    }

    /** @param clock issues and checks token expiry, so tests can move past it without waiting */
    public CreditsafeSimulator(SandboxPortfolio portfolio, String username, String password, Clock clock) {
        this.portfolio = portfolio;
        this.username = username;
        this.password = password;
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

    /** The connectId Creditsafe gives a portfolio company, e.g. {@code BE-X-0417497106}. */
    public static String connectId(SandboxPortfolio.Company company) {
        return company.country() + "-X-" + company.regNo();
    }

    public int authenticateRequests() {
        return authenticateRequests.get();
    }

    public int searchRequests() {
        return searchRequests.get();
    }

    public int reportRequests() {
        return reportRequests.get();
    }

    public boolean accountLocked() {
        return refusedLogins.get() >= LOCK_AFTER_REFUSED_LOGINS;
    }

    /** Revokes every token issued so far, as when they expire: the next data call answers 401. */
    public void expireTokens() {
        validTokens.clear();
    }

    /**
     * Makes a search for {@code identifier} (a VAT or registration number) also return {@code company}
     * with {@code status}, listed before the genuine matches, as Creditsafe does for related or former
     * entities.
     */
    public void addSearchResult(String identifier, SandboxPortfolio.Company company, String status) {
        extraResults.add(new ExtraResult(normalise(identifier), company, status));
    }

    /** A notification event on the company, raised now, as the portfolio's event rule {@code ruleCode} would. */
    public void raiseEvent(SandboxPortfolio.Company company, int ruleCode, String ruleName, String oldValue,
                           String newValue) {
        Map<String, Object> monitored = new LinkedHashMap<>();
        monitored.put("id", connectId(company));
        monitored.put("safeNumber", company.country() + company.regNo());
        monitored.put("name", company.name());
        monitored.put("countryCode", company.country());
        monitored.put("portfolioId", PORTFOLIO_ID);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("company", monitored);
        event.put("eventDate", clock.instant().toString());
        event.put("newValue", newValue);
        event.put("oldValue", oldValue);
        event.put("notificationEventId", notificationEvents.size() + 1);
        event.put("ruleCode", ruleCode);
        event.put("ruleName", ruleName);
        notificationEvents.add(event);
    }

    /** From now on the bureau's reports rate this company with this score (0-100) and band (A-E), as after news. */
    public void rerate(SandboxPortfolio.Company company, int providerScore, String ratingBand) {
        rerated.put(company.number(), new SandboxPortfolio.Company(company.number(), company.id(), company.name(),
                company.country(), company.vat(), company.regNo(), providerScore, ratingBand, company.creditLimit(),
                company.internalLimit()));
    }

    /** Replies planned for requests whose path and query contain a fragment (a search, a report). */
    public RawReply.Plan rawReplies() {
        return rawReplies;
    }

    /** Back to a fresh simulator: counters, tokens, lock, extra results, ratings, faults and planned replies. */
    public void reset() {
        faults.clear();
        rerated.clear();
        rawReplies.clear();
        validTokens.clear();
        extraResults.clear();
        notificationEvents.clear();
        authenticateRequests.set(0);
        refusedLogins.set(0);
        searchRequests.set(0);
        reportRequests.set(0);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (method.equals("POST") && path.equals(API + "/authenticate")) {
            authenticate(exchange);
        } else if (method.equals("GET") && path.startsWith(API + "/monitoring/")) {
            if (!authorised(exchange)) {
                send(exchange, 401, Map.of("correlationId", UUID.randomUUID().toString(), "message", "Invalid token"));
            } else {
                monitoring(exchange, path.substring((API + "/monitoring/").length()));
            }
        } else if (!method.equals("GET") || !path.startsWith(API + "/companies")) {
            error(exchange, 404, "Not found", "No resource at " + method + " " + path);
        } else if (!authorised(exchange)) {
            send(exchange, 401, Map.of("correlationId", UUID.randomUUID().toString(), "message", "Invalid token"));
        } else if (path.equals(API + "/companies")) {
            searchRequests.incrementAndGet();
            if (!rawReplies.apply(exchange)) {
                search(exchange);
            }
        } else {
            report(exchange, URLDecoder.decode(path.substring((API + "/companies/").length()), StandardCharsets.UTF_8));
        }
    }

    private void monitoring(HttpExchange exchange, String resource) throws IOException {
        if (resource.equals("portfolios")) {
            send(exchange, 200, Map.of("portfolios", List.of(Map.of("portfolioId", PORTFOLIO_ID, "name", "Sandbox debtors",
                    "isDefault", true, "companyCount", portfolio.companies().size())), "totalCount", 1));
            return;
        }
        if (!resource.equals("notificationEvents")) {
            error(exchange, 404, "Not found", "No monitoring resource " + resource);
            return;
        }
        Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
        Instant start;
        int page;
        int pageSize;
        try {
            start = query.containsKey("startDate") ? Instant.parse(query.get("startDate")) : Instant.EPOCH;
            page = Integer.parseInt(query.getOrDefault("page", "0"));
            pageSize = Integer.parseInt(query.getOrDefault("pageSize", "50"));
        } catch (RuntimeException e) {
            error(exchange, 400, "Bad request", "startDate, page or pageSize is not valid");
            return;
        }
        if (pageSize < 1 || pageSize > 1000 || page < 0) {
            error(exchange, 400, "Bad request", "pageSize must be 1 to 1000 and page 0 or more");
            return;
        }
        List<Map<String, Object>> matching = notificationEvents.stream()
                .filter(event -> !Instant.parse((String) event.get("eventDate")).isBefore(start)).toList();
        int last = Math.max(0, (matching.size() - 1) / pageSize);
        List<Map<String, Object>> data = matching.subList(Math.min(matching.size(), page * pageSize),
                Math.min(matching.size(), (page + 1) * pageSize));
        Map<String, Object> paging = new LinkedHashMap<>();
        paging.put("size", data.size());
        paging.put("prev", page > 0 ? page - 1 : null);
        paging.put("next", page < last ? page + 1 : null);
        paging.put("last", last);
        send(exchange, 200, Map.of("totalCount", matching.size(), "data", data, "paging", paging));
    }

    private void authenticate(HttpExchange exchange) throws IOException {
        authenticateRequests.incrementAndGet();
        Map<?, ?> body;
        try {
            body = json.readValue(exchange.getRequestBody(), Map.class);
        } catch (IOException e) {
            error(exchange, 400, "Bad request", "Body must be JSON with username and password");
            return;
        }
        boolean valid = username.equals(body.get("username")) && password.equals(body.get("password"));
        if (!valid || accountLocked()) {
            if (!valid) {
                refusedLogins.incrementAndGet();
            }
            send(exchange, 401, Map.of("message", ACCESS_DENIED));
            return;
        }
        refusedLogins.set(0);
        Instant expires = clock.instant().plus(TOKEN_LIFETIME);
        String token = jwt(username, expires);
        validTokens.put(token, expires);
        send(exchange, 200, Map.of("token", token));
    }

    private void search(HttpExchange exchange) throws IOException {
        Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
        String countries = query.get("countries");
        String vatNo = query.get("vatNo");
        String regNo = query.get("regNo");
        if (countries == null || countries.isBlank()) {
            error(exchange, 400, "Bad request", "countries is required");
            return;
        }
        if ((vatNo == null) == (regNo == null)) {
            error(exchange, 400, "Bad request", "Specified criteria combination is not allowed");
            return;
        }
        List<String> wanted = List.of(countries.toUpperCase(Locale.ROOT).split(","));
        String identifier = normalise(vatNo != null ? vatNo : regNo);
        List<Map<String, Object>> found = new ArrayList<>();
        extraResults.stream().filter(extra -> extra.identifier().equals(identifier))
                .forEach(extra -> found.add(searchResult(extra.company(), extra.status())));
        portfolio.companies().stream()
                .filter(c -> wanted.contains(c.country()))
                .filter(c -> vatNo != null
                        ? c.vat().equals(identifier) || c.vat().substring(2).equals(identifier)
                        : c.regNo().equals(identifier))
                .forEach(c -> found.add(searchResult(c, "Active")));
        int pageSize = query.containsKey("pageSize") ? Integer.parseInt(query.get("pageSize")) : 10;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("correlationId", UUID.randomUUID().toString());
        answer.put("totalSize", found.size());
        answer.put("companies", found.subList(0, Math.min(pageSize, found.size())));
        send(exchange, 200, answer);
    }

    private Map<String, Object> searchResult(SandboxPortfolio.Company company, String status) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", connectId(company));
        result.put("country", company.country());
        result.put("regNo", company.regNo());
        result.put("safeNo", company.country() + company.number().substring(1));
        result.put("vatNo", List.of(company.vat()));
        result.put("name", company.name());
        result.put("type", "Ltd");
        result.put("officeType", "HeadOffice");
        result.put("status", status);
        result.put("address", Map.of("simpleValue", "1 Rue de la Gare, 1000 " + company.country(),
                "city", "Sandbox", "postCode", "1000", "country", company.country()));
        return result;
    }

    private void report(HttpExchange exchange, String connectId) throws IOException {
        reportRequests.incrementAndGet();
        if (rawReplies.apply(exchange)) {
            return;
        }
        SandboxPortfolio.Company company = portfolio.companies().stream()
                .filter(c -> connectId(c).equals(connectId)).findFirst().orElse(null);
        if (company == null) {
            error(exchange, 404, "Company not found", "No company with id " + connectId);
            return;
        }
        Map<String, Object> rating = creditRating(rerated.getOrDefault(company.number(), company));
        Map<String, Object> status = Map.of("status", "Active", "description", "Active");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("businessName", company.name());
        summary.put("country", company.country());
        summary.put("companyNumber", company.country() + company.number().substring(1));
        summary.put("companyRegistrationNumber", company.regNo());
        summary.put("companyStatus", status);
        summary.put("creditRating", rating);
        Map<String, Object> basic = new LinkedHashMap<>();
        basic.put("businessName", company.name());
        basic.put("registeredCompanyName", company.name());
        basic.put("companyRegistrationNumber", company.regNo());
        basic.put("country", company.country());
        basic.put("vatRegistrationNumber", company.vat());
        basic.put("companyStatus", status);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("companyId", connectId);
        report.put("language", "EN");
        report.put("companySummary", summary);
        report.put("companyIdentification", Map.of("basicInformation", basic));
        report.put("creditScore", Map.of("currentCreditRating", rating));
        send(exchange, 200, Map.of("correlationId", UUID.randomUUID().toString(), "report", report));
    }

    /** Creditsafe rates unrated companies "E" / "Not Rated" with a provider value that is not a number. */
    private static Map<String, Object> creditRating(SandboxPortfolio.Company company) {
        Map<String, Object> rating = new LinkedHashMap<>();
        boolean rated = company.providerScore() != null;
        String band = rated ? company.ratingBand() : "E";
        String description = rated ? DESCRIPTIONS.get(band) : "Not Rated";
        rating.put("commonValue", band);
        rating.put("commonDescription", description);
        if (company.creditLimit() != null) {
            rating.put("creditLimit", Map.of("currency", "EUR", "value", company.creditLimit()));
        }
        rating.put("providerValue", Map.of("maxValue", "100", "minValue", "0",
                "value", rated ? String.valueOf(company.providerScore()) : "Not Rated"));
        rating.put("providerDescription", description);
        return rating;
    }

    private boolean authorised(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        Instant expires = header == null || !header.startsWith("Bearer ") ? null : validTokens.get(header.substring(7));
        return expires != null && clock.instant().isBefore(expires);
    }

    /** A JWT whose payload carries {@code exp}, as Creditsafe's does; the signature is random filler. */
    private String jwt(String subject, Instant expires) throws IOException {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = base64.encodeToString(json.writeValueAsBytes(Map.of("sub", subject,
                "iat", expires.minus(TOKEN_LIFETIME).getEpochSecond(), "exp", expires.getEpochSecond())));
        byte[] signature = new byte[32];
        random.nextBytes(signature);
        return header + "." + payload + "." + base64.encodeToString(signature);
    }

    private void error(HttpExchange exchange, int status, String message, String details) throws IOException {
        send(exchange, status, Map.of("correlationId", UUID.randomUUID().toString(), "message", message,
                "details", details));
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

    private record ExtraResult(String identifier, SandboxPortfolio.Company company, String status) {
    }
}
