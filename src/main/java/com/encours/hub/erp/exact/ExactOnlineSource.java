package com.encours.hub.erp.exact;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpRequests;
import com.encours.hub.erp.ErpSource;
import com.encours.hub.erp.JsonPageReader;
import com.encours.hub.erp.VanishedItems;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the customers and the open receivables of one or more Exact Online divisions (administrations)
 * through the REST API v1, each division under the company code the configuration gives it.
 * <p>
 * Auth is OAuth 2.0 with a rotating refresh token: an access token lives ten minutes, and each refresh
 * answers a new refresh token and spends the old one. The current one is kept in the database by
 * {@link RefreshTokenStore}, committed before the new access token is used, and refreshed under the row's
 * lock so that two hub instances never present the same one. A refused refresh is an authentication
 * failure, never retried: only a person can authorise the hub again.
 * <p>
 * Customers ({@code crm/Accounts}, status C) are read incrementally on {@code Modified}; the receivables
 * ({@code read/financial/ReceivablesList}) are a snapshot of what is open today, read whole every time.
 * Exact allows 60 calls a minute per division and says how many are left on every answer
 * ({@code X-RateLimit-Minutely-Remaining}, {@code X-RateLimit-Minutely-Reset} in epoch milliseconds):
 * the source waits for the reset instead of running into 429, and waits for it again if a 429 comes
 * anyway (another application spending the same budget).
 * <p>
 * Each record is handed over as {@code {"division":…,"company":"…","record":<the record as Exact sent it>}}
 * because nothing in a ReceivablesList row says which division it belongs to.
 */
@Component
public class ExactOnlineSource implements ErpSource {

    public static final String PROTOCOL = "exact-online-rest";
    public static final String ACCOUNTS = "Accounts";
    public static final String RECEIVABLES = "ReceivablesList";

    static final String ACCOUNT_FIELDS = "ID,Code,Name,VATNumber,ChamberOfCommerce,Country,AddressLine1,Postcode,City,"
            + "Email,Phone,CreditLineSales,Blocked,IsSales,Status,Modified";
    static final String RECEIVABLE_FIELDS = "HID,AccountId,AccountCode,AccountName,Amount,CurrencyCode,Description,"
            + "DueDate,EntryNumber,InvoiceDate,InvoiceNumber,JournalCode,YourRef";
    /** Exact refuses a refresh while the access token has more than this left (TooEarlyToRefreshTokens). */
    static final Duration RENEW_WITHIN = Duration.ofSeconds(30);
    /** Used after a 429 when no reset was announced in the current window. */
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    private static final Duration PAGE_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern DIVISION = Pattern.compile("\\s*(\\d{1,10})\\s*=\\s*([A-Za-z0-9][A-Za-z0-9._-]{0,63})\\s*");
    private static final Pattern EXACT_DATE = Pattern.compile("/Date\\((-?\\d{1,15})\\)/");
    private static final DateTimeFormatter ODATA_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Logger log = LoggerFactory.getLogger(ExactOnlineSource.class);

    private final PartnerHttp http;
    private final RefreshTokenStore tokenStore;
    private final VanishedItems vanishedItems;
    private final Clock clock;
    private final Pause pause;
    private final JsonMapper json = new JsonMapper();
    private final Map<String, RefreshTokenStore.Tokens> tokens = new ConcurrentHashMap<>();
    private final Map<String, MinuteBudget> budgets = new ConcurrentHashMap<>();

    /** Waits in place; the tests move a clock instead. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration wait) throws InterruptedException;
    }

    @Autowired
    public ExactOnlineSource(PartnerHttp http, RefreshTokenStore tokenStore, VanishedItems vanishedItems, Clock clock) {
        this(http, tokenStore, vanishedItems, clock, wait -> Thread.sleep(wait.toMillis()));
    }

    ExactOnlineSource(PartnerHttp http, RefreshTokenStore tokenStore, VanishedItems vanishedItems, Clock clock, Pause pause) {
        this.http = http;
        this.tokenStore = tokenStore;
        this.vanishedItems = vanishedItems;
        this.clock = clock;
        this.pause = pause;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** A division (Exact's administration number) and the company code the hub files it under. */
    record Division(long number, String company) {
    }

    /** Parses the {@code divisions} property: {@code 123456=NL-HQ, 234567=BE-SALES}. */
    static List<Division> divisions(ConnectorInstance connector) {
        String configured = connector.property("divisions");
        List<Division> divisions = new ArrayList<>();
        for (String entry : configured == null ? new String[0] : configured.split(",")) {
            Matcher matcher = DIVISION.matcher(entry);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(connector.id() + ": divisions must read 'division=COMPANY, …' "
                        + "with a company code of letters, digits, dots, dashes or underscores (e.g. 123456=NL-HQ), not '"
                        + entry.trim() + "'");
            }
            long number = Long.parseLong(matcher.group(1));
            if (divisions.stream().anyMatch(d -> d.number() == number)) {
                throw new IllegalArgumentException(connector.id() + ": division " + number + " is listed twice");
            }
            divisions.add(new Division(number, matcher.group(2)));
        }
        if (divisions.isEmpty()) {
            throw new IllegalArgumentException(connector.id() + ": divisions lists no division");
        }
        return divisions;
    }

    @Override
    public Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        Map<String, String> next = new LinkedHashMap<>(watermarks);
        for (Division division : divisions(connector)) {
            String key = ACCOUNTS + "@" + division.number();
            String newest = readAccounts(connector, division, watermarks.get(key), sink);
            if (newest != null) {
                next.put(key, newest);
            }
            readReceivables(connector, division, sink);
        }
        return next;
    }

    /** Customers modified since the watermark (less the late-commit window); returns the newest Modified seen. */
    private String readAccounts(ConnectorInstance connector, Division division, String watermark, PageSink sink) {
        String filter = "Status eq 'C'";
        LocalDateTime newest = null;
        if (watermark != null && !watermark.isBlank()) {
            newest = parseWatermark(connector, watermark);
            LocalDateTime since = newest.minus(connector.durationProperty("lateCommitWindow"));
            filter += " and Modified ge datetime'" + ODATA_DATETIME.format(since) + "'";
        }
        String url = apiUrl(connector, division, "crm/Accounts") + "?$select=" + ErpRequests.encode(ACCOUNT_FIELDS)
                + "&$filter=" + ErpRequests.encode(filter);
        for (String modified : pages(connector, division, url, ACCOUNTS, ErpPage.RecordType.DEBTOR, sink).modified()) {
            LocalDateTime at = exactDateTime(modified);
            if (at != null && (newest == null || at.isAfter(newest))) {
                newest = at;
            }
        }
        return newest == null ? null : newest.toString();
    }

    /**
     * The whole list of open receivables (Exact offers no filter on changes for it), a snapshot: a receivable
     * the hub holds open that the list no longer has was paid or credited, and is cleared, unless more than
     * {@code maxVanishedShare} of them went at once (a list that looks cut short clears nothing and fails
     * the extract, which the connector shows). A row without a whole-number HID (quarantined by the mapping)
     * leaves the list's keys unknown, so nothing is cleared that run.
     */
    private void readReceivables(ConnectorInstance connector, Division division, PageSink sink) {
        String url = apiUrl(connector, division, "read/financial/ReceivablesList")
                + "?$select=" + ErpRequests.encode(RECEIVABLE_FIELDS);
        List<String> hids = pages(connector, division, url, RECEIVABLES, ErpPage.RecordType.OPEN_ITEM, sink).hids();
        if (hids.contains("")) {
            log.warn("{}: division {}: a receivable without HID; nothing is cleared this run", connector.id(),
                    division.number());
            return;
        }
        Set<String> listed = new HashSet<>(hids);
        VanishedItems.Vanished vanished = vanishedItems.find(connector.id(), division.company(), listed::contains);
        String list = "the ReceivablesList of division " + division.number();
        Optional<String> tooMany = vanished.tooMany(new BigDecimal(connector.property("maxVanishedShare")),
                division.company(), list);
        if (tooMany.isPresent()) {
            throw new IllegalStateException(connector.id() + ": " + tooMany.get() + "; nothing was cleared");
        }
        vanishedItems.handOver(connector.id(), division.company(), vanished.sourceItemKeys(), list,
                Map.of("division", division.number(), "company", division.company()), RECEIVABLES, sink);
    }

    /** The Modified text and the HID of every record read. */
    private record Read(List<String> modified, List<String> hids) {
    }

    /** Follows __next from the first page to the last, handing each page over as it is read. */
    private Read pages(ConnectorInstance connector, Division division, String firstUrl, String stream,
                       ErpPage.RecordType type, PageSink sink) {
        List<String> modified = new ArrayList<>();
        List<String> hids = new ArrayList<>();
        int pages = 0;
        int records = 0;
        String url = firstUrl;
        while (url != null) {
            Page page = readPage(connector, url, get(connector, division, url).body());
            if (!page.records().isEmpty()) {
                sink.accept(new ErpPage(stream, type, page.records().stream().map(raw -> envelope(division, raw)).toList()));
                records += page.records().size();
            }
            modified.addAll(page.modified());
            hids.addAll(page.hids());
            pages++;
            url = nextLink(connector, page.next(), url);
        }
        log.info("{}: division {} {}: {} records handed over in {} pages", connector.id(), division.number(), stream,
                records, pages);
        return new Read(modified, hids);
    }

    private String envelope(Division division, String raw) {
        try {
            return "{\"division\":" + division.number() + ",\"company\":" + json.writeValueAsString(division.company())
                    + ",\"record\":" + raw + "}";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always serialises", e);
        }
    }

    /**
     * One GET within the division's minute budget. A 429 waits for the announced reset; 5xx and network
     * failures back off as the descriptor's retry says; a 401 on an access token renews it once.
     */
    private HttpResponse<String> get(ConnectorInstance connector, Division division, String url) {
        RetryPolicy policy = RetryPolicy.of(connector.descriptor().spec().retry());
        // One attempt per send and the retries here: Exact's 429 carries no Retry-After, only the minute's
        // reset, which this division's budget knows from the previous answers.
        RetryPolicy oneAttempt = new RetryPolicy(1, policy.initialBackoff(), policy.maxBackoff(), policy.maxRetryAfter());
        MinuteBudget budget = budgets.computeIfAbsent(connector.id() + "/" + division.number(), key -> new MinuteBudget());
        String rejected = null;
        for (int attempt = 1; ; attempt++) {
            waitFor(connector, url, budget.waitBeforeCall(clock.instant()), "the division's minute budget is spent");
            String token = accessToken(connector, rejected);
            try {
                HttpResponse<String> response = http.send(connector.id(), oneAttempt, () -> HttpRequest
                        .newBuilder(URI.create(url))
                        .timeout(PAGE_TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        // without it Exact answers XML
                        .header("Accept", "application/json")
                        .GET()
                        .build());
                budget.announced(response.headers());
                return response;
            } catch (PartnerAuthenticationException e) {
                if (e.status() != 401 || rejected != null) {
                    throw e;
                }
                log.info("{}: Exact Online refused the access token; renewing it once", connector.id());
                rejected = token;
            } catch (PartnerException e) {
                if (!e.isTransient() || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                if (e.status() == 429) {
                    budget.refused(clock.instant());
                } else {
                    waitFor(connector, url, policy.backoffAfter(attempt), "HTTP " + e.status());
                }
            }
        }
    }

    private void waitFor(ConnectorInstance connector, String url, Duration wait, String why) {
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        log.info("{}: waiting {} ms before GET {} ({})", connector.id(), wait.toMillis(), URI.create(url).getPath(), why);
        try {
            pause.pause(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PartnerException(connector.id(), 0, true, "interrupted while waiting for Exact Online", e);
        }
    }

    /**
     * The access token to send: the one in memory while it lasts, else the one in the database (another
     * instance may have renewed it), else a new one obtained with the stored refresh token under its lock.
     */
    private String accessToken(ConnectorInstance connector, String rejected) {
        Instant renewFrom = clock.instant().plus(RENEW_WITHIN);
        RefreshTokenStore.Tokens cached = tokens.get(connector.id());
        if (cached != null) {
            var usable = cached.accessUsableUntil(renewFrom, rejected);
            if (usable.isPresent()) {
                return usable.get();
            }
        }
        RefreshTokenStore.Tokens renewed = tokenStore.renew(connector.id(), connector.property("initialRefreshToken"),
                stored -> stored.accessUsableUntil(renewFrom, rejected).isPresent() ? stored
                        : refresh(connector, stored.refreshToken()));
        tokens.put(connector.id(), renewed);
        return renewed.accessToken();
    }

    /** POST /api/oauth2/token with the refresh token; the answer carries the next refresh token. */
    private RefreshTokenStore.Tokens refresh(ConnectorInstance connector, String refreshToken) {
        URI tokenUrl = URI.create(baseUrl(connector) + "/api/oauth2/token");
        String form = "grant_type=refresh_token"
                + "&refresh_token=" + ErpRequests.encode(refreshToken)
                + "&client_id=" + ErpRequests.encode(connector.property("clientId"))
                + "&client_secret=" + ErpRequests.encode(connector.property("clientSecret"));
        Instant now = clock.instant();
        HttpResponse<String> response;
        try {
            response = http.send(connector.id(), RetryPolicy.of(connector.descriptor().spec().retry()),
                    () -> ErpRequests.tokenRequest(tokenUrl, form));
        } catch (PartnerException e) {
            if (e instanceof PartnerAuthenticationException) {
                throw new PartnerAuthenticationException(connector.id(), e.status(), "POST " + tokenUrl.getPath()
                        + " refused our client credentials (HTTP " + e.status() + "): check clientId and clientSecret; "
                        + "not retried");
            }
            if (e.status() != 400) {
                throw e;
            }
            // Exact answers invalid_grant for a refresh token used before or expired (after 30 days unused)
            throw new PartnerAuthenticationException(connector.id(), e.status(), "POST " + tokenUrl.getPath()
                    + " refused the stored refresh token (HTTP 400): it was spent or has expired. "
                    + "Authorise the hub again in Exact Online and set initialRefreshToken to the new refresh token; "
                    + "not retried");
        }
        JsonNode body;
        try {
            body = json.readTree(response.body() == null ? "" : response.body());
        } catch (JsonProcessingException e) {
            body = null;
        }
        String accessToken = body == null ? "" : body.path("access_token").asText("");
        String nextRefreshToken = body == null ? "" : body.path("refresh_token").asText("");
        long expiresIn = body == null ? 0 : body.path("expires_in").asLong(0);   // Exact writes it as a string
        if (accessToken.isEmpty() || nextRefreshToken.isEmpty() || expiresIn <= 0) {
            throw new PartnerException(connector.id(), response.statusCode(), false, "POST " + tokenUrl.getPath()
                    + " answered without access_token, refresh_token or expires_in; the refresh token sent is spent: "
                    + "authorise the hub again in Exact Online", null);
        }
        return new RefreshTokenStore.Tokens(nextRefreshToken, accessToken, now.plusSeconds(expiresIn));
    }

    /**
     * Reads an Exact OData page, {@code {"d":{"results":[…],"__next":"…"}}}, in one streaming pass: each
     * element of results is kept as the exact text Exact sent, so that the mapping sees it as it is and
     * refuses that record alone. Anything that makes the page itself unreadable fails the extract.
     */
    Page readPage(ConnectorInstance connector, String url, String body) {
        JsonPageReader.ODataPage page = JsonPageReader.readOData(connector.id(), "GET " + URI.create(url).getPath(), body,
                Map.of("Modified", JsonToken.VALUE_STRING, "HID", JsonToken.VALUE_NUMBER_INT));
        return new Page(page.results().stream().map(JsonPageReader.RawElement::raw).toList(),
                page.results().stream().map(record -> record.field("Modified")).toList(),
                page.results().stream().map(record -> record.field("HID")).toList(), page.next());
    }

    /** Follows __next only to the configured host: the request carries our bearer token. */
    private String nextLink(ConnectorInstance connector, String link, String current) {
        if (link == null || link.isBlank()) {
            return null;
        }
        String path = URI.create(current).getPath();
        URI next;
        try {
            next = URI.create(link);
        } catch (IllegalArgumentException e) {
            throw pageError(connector, path, "a __next that is not a valid URL");
        }
        URI base = URI.create(baseUrl(connector));
        if (!ErpRequests.sameOrigin(next, base)) {
            throw pageError(connector, path, "a __next to another host: " + next.getHost());
        }
        if (link.equals(current)) {
            throw pageError(connector, path, "a __next to the same page; paging would never end");
        }
        return link;
    }

    private static PartnerException pageError(ConnectorInstance connector, String path, String problem) {
        return JsonPageReader.refused(connector.id(), "GET " + path, problem);
    }

    private static String apiUrl(ConnectorInstance connector, Division division, String resource) {
        return baseUrl(connector) + "/api/v1/" + division.number() + "/" + resource;
    }

    private static String baseUrl(ConnectorInstance connector) {
        return connector.property("baseUrl").replaceAll("/+$", "");
    }

    /** Exact writes date-times as /Date(ms)/: its own wall clock, given as if it were UTC. */
    static LocalDateTime exactDateTime(String value) {
        Matcher matcher = EXACT_DATE.matcher(value == null ? "" : value);
        if (!matcher.matches()) {
            return null;
        }
        return LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC)
                .plus(Long.parseLong(matcher.group(1)), ChronoUnit.MILLIS);
    }

    private static LocalDateTime parseWatermark(ConnectorInstance connector, String watermark) {
        try {
            return LocalDateTime.parse(watermark);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(connector.id() + ": watermark '" + watermark
                    + "' is not a date-time as Exact Online writes Modified", e);
        }
    }

    /** The records of a page as sent, the Modified text of each, and the link to the next page. */
    /** @param hids each receivable's HID (its key in the hub), "" when it has none that is a whole number */
    record Page(List<String> records, List<String> modified, List<String> hids, String next) {
    }

    /**
     * One division's calls in Exact's current minute: what its last answer said is left, and when the
     * minute resets. Unknown until the first answer.
     */
    private static final class MinuteBudget {
        private int remaining = -1;
        private Instant resetAt = Instant.MIN;

        synchronized Duration waitBeforeCall(Instant now) {
            return remaining == 0 && now.isBefore(resetAt) ? Duration.between(now, resetAt) : Duration.ZERO;
        }

        synchronized void announced(HttpHeaders headers) {
            var left = headers.firstValueAsLong("X-RateLimit-Minutely-Remaining");
            var reset = headers.firstValueAsLong("X-RateLimit-Minutely-Reset");
            if (left.isPresent() && reset.isPresent()) {
                remaining = (int) Math.max(0, Math.min(Integer.MAX_VALUE, left.getAsLong()));
                resetAt = Instant.ofEpochMilli(reset.getAsLong());
            }
        }

        /** A 429: nothing is left until the reset announced for this minute, or for a whole window if none was. */
        synchronized void refused(Instant now) {
            remaining = 0;
            if (!resetAt.isAfter(now)) {
                resetAt = now.plus(RATE_WINDOW);
            }
        }
    }
}
