package com.encours.hub.erp.businesscentral;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.PartnerHttp;
import com.encours.hub.core.partner.RetryPolicy;
import com.encours.hub.erp.ErpPage;
import com.encours.hub.erp.ErpRequests;
import com.encours.hub.erp.ErpSource;
import com.encours.hub.erp.JsonPageReader;
import com.encours.hub.erp.StreamTotals;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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
    // Business Central stops an operation after 8 minutes; a page of a few thousand records takes seconds.
    private static final Duration PAGE_TIMEOUT = Duration.ofMinutes(2);
    /** What paging needs from a record: when it changed, and whether it is posted. */
    private static final Map<String, JsonToken> PAGING_FIELDS =
            Map.of("lastModifiedDateTime", JsonToken.VALUE_STRING, "status", JsonToken.VALUE_STRING);

    private final PartnerHttp http;
    private final Clock clock;
    // Exact decimals in, exact decimals out: a record handed over must carry the amounts as sent.
    private final JsonMapper json = JsonMapper.builder(JsonPageReader.limitedFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
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

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        Map<String, String> next = new LinkedHashMap<>(watermarks);
        StreamTotals totals = new StreamTotals(sink);
        read(connector, CUSTOMERS, ErpPage.RecordType.DEBTOR, watermarks.get(CUSTOMERS), totals, sink)
                .ifPresent(newest -> next.put(CUSTOMERS, newest));
        read(connector, SALES_INVOICES, ErpPage.RecordType.OPEN_ITEM, watermarks.get(SALES_INVOICES), totals, sink)
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
                                  String watermark, StreamTotals totals, PageSink sink) {
        // $count=true: the first page says how many records the stream holds, for the extract's progress
        String url = collectionUrl(connector, stream) + "?$count=true";
        Instant since = null;
        if (watermark != null && !watermark.isBlank()) {
            since = parseWatermark(connector, stream, watermark);
            url += "&$filter=" + ErpRequests.encode("lastModifiedDateTime gt " + since);
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
            if (pages == 0 && page.count() != null) {
                totals.streamHolds(page.count());
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
        totals.streamRead(handedOver);
        if (newest != null && settled != null && newest.isAfter(settled)) {
            newest = since != null && since.isAfter(settled) ? since : settled;
        }
        return Optional.ofNullable(newest).map(Instant::toString);
    }

    private Page fetchPage(ConnectorInstance connector, String url) {
        HttpResponse<String> response = withToken(connector, token -> get(connector, url, token));
        Instant serverTime = response.headers().firstValue("Date").map(ErpRequests::httpDate).orElse(null);
        return readPage(connector, url, response.body(), serverTime);
    }

    /**
     * Calls the API with the connector's token. A token refused with 401 is dropped from the cache, so that it is
     * never sent again; a cached one can be revoked before it expires (secret rotated, key rollover), so the call
     * is made once more with a new token.
     */
    <T> T withToken(ConnectorInstance connector, Function<String, T> call) {
        Bearer bearer = bearer(connector);
        try {
            return call.apply(bearer.token());
        } catch (PartnerAuthenticationException e) {
            if (e.status() != 401) {
                throw e;
            }
            tokens.get(connector.id()).drop(bearer.token());
            if (!bearer.reused()) {
                throw e;
            }
            log.info("{}: Business Central refused the cached token; requesting a new one", connector.id());
            return call.apply(bearer(connector).token());
        }
    }

    /** One page. */
    private HttpResponse<String> get(ConnectorInstance connector, String url, String token) {
        int pageSize = connector.intProperty("pageSize");
        return http.send(connector.id(), retryPolicy(connector), ErpRequests.maxPageBytes(connector), () -> HttpRequest
                .newBuilder(URI.create(url))
                .timeout(PAGE_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("Prefer", "odata.maxpagesize=" + pageSize)
                // Reads may be served by a read-only replica, sparing the users' database.
                .header("Data-Access-Intent", "ReadOnly")
                .GET()
                .build());
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
                + "&client_id=" + ErpRequests.encode(connector.property("clientId"))
                + "&client_secret=" + ErpRequests.encode(connector.property("clientSecret"))
                + "&scope=" + ErpRequests.encode(connector.property("scope"));
        HttpResponse<String> response = http.send(connector.id(), retryPolicy(connector),
                () -> ErpRequests.tokenRequest(tokenUrl, form));
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
            throw JsonPageReader.invalidJson(connector.id(), path, e);
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
        Page page = JsonPageReader.read(connector.id(), path, body, JsonToken.START_OBJECT, parser -> {
            List<RawRecord> records = null;
            String nextLink = null;
            Long count = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("value")) {
                    if (token != JsonToken.START_ARRAY) {
                        throw withoutValueArray(connector, path);
                    }
                    records = JsonPageReader.elements(parser, body, PAGING_FIELDS).stream()
                            .map(e -> new RawRecord(e.raw(), e.field("lastModifiedDateTime"), e.field("status"))).toList();
                } else if (field.equals("@odata.nextLink") && token == JsonToken.VALUE_STRING) {
                    nextLink = parser.getText();
                } else if (field.equals("@odata.nextLink") && token != JsonToken.VALUE_NULL) {
                    throw JsonPageReader.refused(connector.id(), "GET " + path, "an @odata.nextLink that is not a string");
                } else if (field.equals("@odata.count") && token == JsonToken.VALUE_NUMBER_INT) {
                    count = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
            return new Page(records, nextLink, count, serverTime);
        });
        if (page.records() == null) {
            throw withoutValueArray(connector, path);
        }
        return page;
    }

    private static PartnerException withoutValueArray(ConnectorInstance connector, String path) {
        return JsonPageReader.refused(connector.id(), "GET " + path, "a page without a value array");
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
        if (!ErpRequests.sameOrigin(next, api)) {
            throw new PartnerException(connector.id(), 200, false,
                    "@odata.nextLink of " + URI.create(current).getPath() + " points to another host: " + next.getHost(), null);
        }
        if (link.equals(current)) {
            throw new PartnerException(connector.id(), 200, false,
                    "@odata.nextLink of " + next.getPath() + " points to the same page; paging would never end", null);
        }
        return link;
    }

    static String collectionUrl(ConnectorInstance connector, String stream) {
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

    static RetryPolicy retryPolicy(ConnectorInstance connector) {
        return RetryPolicy.of(connector.descriptor().spec().retry());
    }

    private record Bearer(String token, boolean reused) {
    }

    /** A page's records as sent, its next link and the server's clock when it answered, if it said. */
    /** @param count how many records the collection holds ({@code @odata.count}), when the page says */
    record Page(List<RawRecord> records, String nextLink, Long count, Instant serverTime) {
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
