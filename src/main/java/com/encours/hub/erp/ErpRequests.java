package com.encours.hub.erp;

import com.encours.hub.config.ConnectorInstance;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** What the ERP sources share around a page request: its size limit, the server's clock, where a link may lead. */
public final class ErpRequests {

    /** Default of the maxPageBytes property: 1000 Business Central invoices are ~2.5 MB. */
    static final long DEFAULT_MAX_PAGE_BYTES = 16L * 1024 * 1024;
    private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(30);

    private ErpRequests() {
    }

    /** The largest page read; a bigger one is refused before it is buffered (lower pageSize then). */
    public static long maxPageBytes(ConnectorInstance connector) {
        String configured = connector.properties().get("maxPageBytes");
        return configured == null || configured.isBlank() ? DEFAULT_MAX_PAGE_BYTES : Long.parseLong(configured.trim());
    }

    /** An HTTP Date header as an instant, or null when it cannot be read. */
    public static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Same scheme, host and port: a link that carries our credentials may only lead there. */
    public static boolean sameOrigin(URI link, URI configured) {
        return Objects.equals(link.getScheme(), configured.getScheme())
                && Objects.equals(link.getHost(), configured.getHost())
                && link.getPort() == configured.getPort();
    }

    /** An OAuth 2.0 token request: the grant as a form, the answer in JSON. */
    public static HttpRequest tokenRequest(URI tokenUrl, String form) {
        return HttpRequest.newBuilder(tokenUrl)
                .timeout(TOKEN_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    /** A query or form value, spaces as %20. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
