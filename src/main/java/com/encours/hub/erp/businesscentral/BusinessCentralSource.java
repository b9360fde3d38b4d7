package com.encours.hub.erp.businesscentral;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpSource;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads customers and posted sales invoices of one Business Central company through API v2.0.
 * <p>
 * Auth is the OAuth 2.0 client credentials grant against Microsoft Entra ID; the token is shared by all
 * extracts of a connector and renewed shortly before it expires. Each collection is read page by page
 * ({@code Prefer: odata.maxpagesize}, then {@code @odata.nextLink}) and incrementally: only records whose
 * {@code lastModifiedDateTime} is after the stream's watermark. Drafts and invoices in review are left
 * out: nobody owes them yet.
 */
@Component
public class BusinessCentralSource implements ErpSource {

    public static final String PROTOCOL = "business-central-v2";
    /** Stream names, also the keys of the watermarks map. */
    public static final String CUSTOMERS = "customers";
    public static final String SALES_INVOICES = "salesInvoices";

    private static final Logger log = LoggerFactory.getLogger(BusinessCentralSource.class);
    private static final Set<String> UNPOSTED_STATUSES = Set.of("Draft", "In Review");
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(30);
    // Business Central stops an operation after 8 minutes; a page of a few thousand records takes seconds.
    private static final Duration PAGE_TIMEOUT = Duration.ofMinutes(2);
    /** Default of the maxPageBytes property: 1000 invoices are ~2.5 MB. */
    static final long DEFAULT_MAX_PAGE_BYTES = 16L * 1024 * 1024;
    /** A Business Central record is a flat object: deep nesting or huge numbers are not a record. */
    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 1000;

    private final PartnerHttp http;
    private final Clock clock;
    // Exact decimals in, exact decimals out: a record handed over must carry the amounts as sent.
    private final JsonMapper json = JsonMapper.builder(limitedFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    // Pages: raw control characters are let through here so that the one record holding them is
    // quarantined by its mapping, instead of the whole page failing. Numbers are not parsed as BigDecimal:
    // paging needs none of them, and "1e999999999" must stay text.
    private final JsonMapper pageParser = JsonMapper.builder(limitedFactory())
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();
    private final Map<String, TokenCache> tokens = new ConcurrentHashMap<>();

    @Autowired
    public BusinessCentralSource(PartnerHttp http) {
        this(http, Clock.systemUTC());
    }

    BusinessCentralSource(PartnerHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    private static JsonFactory limitedFactory() {
        return JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).build()).build();
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        Map<String, String> next = new LinkedHashMap<>(watermarks);
        read(connector, CUSTOMERS, ErpPage.RecordType.DEBTOR, watermarks.get(CUSTOMERS), sink)
                .ifPresent(newest -> next.put(CUSTOMERS, newest));
        read(connector, SALES_INVOICES, ErpPage.RecordType.OPEN_ITEM, watermarks.get(SALES_INVOICES), sink)
                .ifPresent(newest -> next.put(SALES_INVOICES, newest));
        return next;
    }

    /**
     * Reads one collection and returns its next watermark: the newest lastModifiedDateTime seen, but never
     * later than the server's clock at the first page minus the late-commit window. Pages come in key
     * order, so a record changed while we page, or stamped by a posting that commits late, may be missed
     * now; keeping the watermark behind the start makes the next extract read it (the ledger ignores the
     * unchanged rest).
     */
    private Optional<String> read(ConnectorInstance connector, String stream, ErpPage.RecordType type,
                                  String watermark, PageSink sink) {
        String url = collectionUrl(connector, stream);
        Instant since = null;
        if (watermark != null && !watermark.isBlank()) {
            since = parseWatermark(connector, stream, watermark);
            url += "?$filter=" + encode("lastModifiedDateTime gt " + since);
        }
        Instant newest = null;
        Instant settled = null;
        int pages = 0;
        int handedOver = 0;
        while (url != null) {
            Page page = fetchPage(connector, url);
            if (pages == 0 && page.serverTime() != null) {
                settled = page.serverTime().minus(connector.durationProperty("lateCommitWindow"));
            }
            List<String> records = new ArrayList<>(page.records().size());
            for (RawRecord record : page.records()) {
                newest = later(newest, record.lastModified());
                if (type == ErpPage.RecordType.OPEN_ITEM && UNPOSTED_STATUSES.contains(record.status())) {
                    continue;
                }
                // verbatim: duplicate keys, number spellings and odd bytes reach the mapping as sent
                records.add(record.raw());
            }
            pages++;
            if (!records.isEmpty()) {
                sink.accept(new ErpPage(stream, type, List.copyOf(records)));
                handedOver += records.size();
            }
            url = nextLink(connector, page.nextLink(), url);
        }
        log.info("{}: {} read, {} records handed over in {} pages", connector.id(), stream, handedOver, pages);
        if (newest != null && settled != null && newest.isAfter(settled)) {
            newest = since != null && since.isAfter(settled) ? since : settled;
        }
        return Optional.ofNullable(newest).map(Instant::toString);
    }

    private Page fetchPage(ConnectorInstance connector, String url) {
        Bearer bearer = bearer(connector);
        HttpResponse<String> response;
        try {
            response = get(connector, url, bearer.token());
        } catch (PartnerAuthenticationException e) {
            if (e.status() != 401 || !bearer.reused()) {
                throw e;
            }
            // A cached token can be revoked before it expires (secret rotated, key rollover): renew it once.
            log.info("{}: Business Central refused the cached token; requesting a new one", connector.id());
            response = get(connector, url, bearer(connector).token());
        }
        Instant serverTime = response.headers().firstValue("Date").map(BusinessCentralSource::httpDate).orElse(null);
        return readPage(connector, url, response.body(), serverTime);
    }

    /** One page; a token refused with 401 is dropped from the cache, so that it is never sent again. */
    private HttpResponse<String> get(ConnectorInstance connector, String url, String token) {
        int pageSize = connector.intProperty("pageSize");
        try {
            return http.send(connector.id(), retryPolicy(connector), maxPageBytes(connector), () -> HttpRequest
                    .newBuilder(URI.create(url))
                    .timeout(PAGE_TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json")
                    .header("Prefer", "odata.maxpagesize=" + pageSize)
                    // Reads may be served by a read-only replica, sparing the users' database.
                    .header("Data-Access-Intent", "ReadOnly")
                    .GET()
                    .build());
        } catch (PartnerAuthenticationException e) {
            if (e.status() == 401) {
                tokens.get(connector.id()).drop(token);
            }
            throw e;
        }
    }

    /** The cached token unless it is about to expire; otherwise a new one. */
    private Bearer bearer(ConnectorInstance connector) {
        TokenCache cache = tokens.computeIfAbsent(connector.id(), id -> new TokenCache());
        synchronized (cache) {
            Instant now = clock.instant();
            if (cache.token != null && now.isBefore(cache.renewAt)) {
                return new Bearer(cache.token, true);
            }
            requestToken(connector, cache, now);
            return new Bearer(cache.token, false);
        }
    }

    private void requestToken(ConnectorInstance connector, TokenCache cache, Instant now) {
        URI tokenUrl = URI.create(connector.property("tokenUrl").replace("{tenantId}", connector.property("tenantId")));
        String form = "grant_type=client_credentials"
                + "&client_id=" + encode(connector.property("clientId"))
                + "&client_secret=" + encode(connector.property("clientSecret"))
                + "&scope=" + encode(connector.property("scope"));
        HttpResponse<String> response = http.send(connector.id(), retryPolicy(connector), () -> HttpRequest
                .newBuilder(tokenUrl)
                .timeout(TOKEN_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
        JsonNode body = parse(connector, tokenUrl.toString(), response.body());
        String accessToken = body.path("access_token").asText("");
        long expiresIn = body.path("expires_in").asLong(0);
        if (accessToken.isEmpty() || expiresIn <= 0) {
            throw new PartnerException(connector.id(), response.statusCode(), false,
                    "POST " + tokenUrl.getPath() + " answered without access_token or expires_in", null);
        }
        // Renew ahead of expiry so that a page read never starts with a token about to lapse.
        long renewAfter = Math.max(expiresIn - RENEW_BEFORE_EXPIRY.toSeconds(), expiresIn / 2);
        cache.token = accessToken;
        cache.renewAt = now.plusSeconds(renewAfter);
    }

    private JsonNode parse(ConnectorInstance connector, String url, String body) {
        String path = URI.create(url).getPath();
        try {
            JsonNode node = body == null ? null : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new PartnerException(connector.id(), 200, false, path + " answered a body that is not a JSON object", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalidJson(connector, path, e);
        }
    }

    /**
     * Reads a collection page in one streaming pass: each element of {@code value} is kept as the exact
     * text the ERP sent (so that the mapping sees duplicate keys, number spellings and control characters
     * as they are, and quarantines that record alone), with the two fields paging needs. Anything that
     * makes the page itself unreadable fails the whole page; the connector status carries the reason.
     */
    Page readPage(ConnectorInstance connector, String url, String body, Instant serverTime) {
        String path = URI.create(url).getPath();
        if (body == null || body.isBlank()) {
            throw new PartnerException(connector.id(), 200, false, path + " answered an empty body", null);
        }
        List<RawRecord> records = null;
        String nextLink = null;
        try (JsonParser parser = pageParser.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new PartnerException(connector.id(), 200, false,
                        path + " answered a body that is not a JSON object", null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("value")) {
                    if (token != JsonToken.START_ARRAY) {
                        throw new PartnerException(connector.id(), 200, false,
                                "GET " + path + " answered a page without a value array", null);
                    }
                    records = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        int start = (int) parser.currentTokenLocation().getCharOffset();
                        String[] paging = scanRecord(parser);
                        int end = (int) parser.currentLocation().getCharOffset();
                        records.add(new RawRecord(body.substring(start, end), paging[0], paging[1]));
                    }
                } else if (field.equals("@odata.nextLink") && token == JsonToken.VALUE_STRING) {
                    nextLink = parser.getText();
                } else if (field.equals("@odata.nextLink") && token != JsonToken.VALUE_NULL) {
                    throw new PartnerException(connector.id(), 200, false,
                            "GET " + path + " answered an @odata.nextLink that is not a string", null);
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new PartnerException(connector.id(), 200, false,
                        path + " answered more than one JSON document", null);
            }
        } catch (JsonProcessingException e) {
            throw invalidJson(connector, path, e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        if (records == null) {
            throw new PartnerException(connector.id(), 200, false,
                    "GET " + path + " answered a page without a value array", null);
        }
        return new Page(records, nextLink, serverTime);
    }

    /**
     * Reads past one element of {@code value}, keeping its top-level lastModifiedDateTime and status
     * texts. No value is converted: a number such as 1e999999999 stays unparsed text for the mapping.
     */
    private static String[] scanRecord(JsonParser parser) throws IOException {
        String[] paging = {"", ""};
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                parser.finishToken();   // a string is read lazily: its end is not known before
            }
            parser.skipChildren();
            return paging;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING && name.equals("lastModifiedDateTime")) {
                paging[0] = parser.getText();
            } else if (value == JsonToken.VALUE_STRING && name.equals("status")) {
                paging[1] = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return paging;
    }

    /**
     * Only the position, and the limit when one was hit: the body holds customer data and stays out of
     * logs and messages.
     */
    private static PartnerException invalidJson(ConnectorInstance connector, String path, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        String limit = e instanceof StreamConstraintsException ? ": " + e.getOriginalMessage() : "";
        return new PartnerException(connector.id(), 200, false, path + " answered invalid JSON" + where + limit, null);
    }

    /** Follows @odata.nextLink only to the configured API host: the link carries our bearer token. */
    private String nextLink(ConnectorInstance connector, String link, String current) {
        if (link == null) {
            return null;
        }
        URI next;
        try {
            next = URI.create(link);
        } catch (IllegalArgumentException e) {
            throw new PartnerException(connector.id(), 200, false,
                    "@odata.nextLink of " + URI.create(current).getPath() + " is not a valid URL", null);
        }
        URI api = URI.create(connector.property("apiUrl"));
        if (!Objects.equals(next.getScheme(), api.getScheme()) || !Objects.equals(next.getHost(), api.getHost())
                || next.getPort() != api.getPort()) {
            throw new PartnerException(connector.id(), 200, false,
                    "@odata.nextLink of " + URI.create(current).getPath() + " points to another host: " + next.getHost(), null);
        }
        if (link.equals(current)) {
            throw new PartnerException(connector.id(), 200, false,
                    "@odata.nextLink of " + next.getPath() + " points to the same page; paging would never end", null);
        }
        return link;
    }

    private String collectionUrl(ConnectorInstance connector, String stream) {
        String apiUrl = connector.property("apiUrl").replaceAll("/+$", "");
        return apiUrl + "/" + connector.property("tenantId") + "/" + connector.property("environment")
                + "/api/v2.0/companies(" + connector.property("companyId") + ")/" + stream;
    }

    private static Instant parseWatermark(ConnectorInstance connector, String stream, String watermark) {
        try {
            return Instant.parse(watermark);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(connector.id() + ": watermark of " + stream
                    + " is not an ISO instant: '" + watermark + "'", e);
        }
    }

    /** A record without a readable lastModifiedDateTime leaves the watermark alone; its mapping will reject it. */
    private static Instant later(Instant newest, String modified) {
        try {
            Instant instant = OffsetDateTime.parse(modified).toInstant();
            return newest == null || instant.isAfter(newest) ? instant : newest;
        } catch (DateTimeParseException e) {
            return newest;
        }
    }

    private static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The largest page read; a bigger one is refused before it is buffered (lower pageSize then). */
    private static long maxPageBytes(ConnectorInstance connector) {
        String configured = connector.properties().get("maxPageBytes");
        return configured == null || configured.isBlank() ? DEFAULT_MAX_PAGE_BYTES : Long.parseLong(configured.trim());
    }

    private static RetryPolicy retryPolicy(ConnectorInstance connector) {
        return RetryPolicy.of(connector.descriptor().spec().retry());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record Bearer(String token, boolean reused) {
    }

    /** A page's records as sent, its next link and the server's clock when it answered, if it said. */
    record Page(List<RawRecord> records, String nextLink, Instant serverTime) {
    }

    /** One element of a page's value array: its exact text, and what paging needs from it. */
    record RawRecord(String raw, String lastModified, String status) {
    }

    /** One connector's token; guarded by its own monitor so connectors do not wait on each other. */
    private static final class TokenCache {
        private String token;
        private Instant renewAt = Instant.MIN;

        synchronized void drop(String rejected) {
            if (rejected.equals(token)) {
                token = null;
            }
        }
    }
}
