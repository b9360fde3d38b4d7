package com.encours.hub.core.partner;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The one way the hub calls a partner over HTTP. It retries 5xx and network failures with backoff,
 * waits out a 429's Retry-After, never retries a 401/403, and counts calls per connector and outcome.
 * Request and response bodies are never logged: they carry personal and financial data.
 */
@Component
public class PartnerHttp {

    private static final int ERROR_EXCERPT_CHARS = 300;
    private static final Logger log = LoggerFactory.getLogger(PartnerHttp.class);
    /** Largest body read from a partner unless the caller says otherwise; a bigger one is refused unread. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final MeterRegistry meters;

    public PartnerHttp(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Sends the request built by {@code request} (rebuilt on every attempt, so a refreshed token is used)
     * and returns the first 2xx response.
     */
    public HttpResponse<String> send(String connectorId, RetryPolicy policy, RequestFactory request) {
        return send(connectorId, policy, DEFAULT_MAX_BODY_BYTES, request);
    }

    /**
     * Same, reading at most {@code maxBodyBytes} of the body: a larger body is refused as soon as its
     * Content-Length or the bytes received so far exceed the limit, without buffering the rest, and the
     * call fails for good (a partner that sends too much will send too much again).
     */
    public HttpResponse<String> send(String connectorId, RetryPolicy policy, long maxBodyBytes, RequestFactory request) {
        for (int attempt = 1; ; attempt++) {
            HttpRequest httpRequest = request.build();
            String target = httpRequest.method() + " " + httpRequest.uri().getPath();
            HttpResponse<String> response;
            try {
                HttpResponse<BoundedBody.Body> bounded = client.send(httpRequest, BoundedBody.handler(maxBodyBytes));
                if (bounded.body().tooLarge()) {
                    count(connectorId, "oversized");
                    throw new PartnerException(connectorId, bounded.statusCode(), false, target
                            + " answered a body larger than " + maxBodyBytes + " bytes (" + bounded.body().sizeSeen()
                            + " bytes seen); refused without reading the rest", null);
                }
                response = BoundedBody.asString(bounded);
            } catch (IOException e) {
                count(connectorId, "unreachable");
                if (attempt >= policy.maxAttempts()) {
                    throw new PartnerException(connectorId, 0, true,
                            target + " unreachable after " + attempt + " attempts: " + e, e);
                }
                pause(connectorId, target, policy.backoffAfter(attempt), "network error " + e.getClass().getSimpleName());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PartnerException(connectorId, 0, true, target + " interrupted", e);
            }
            int status = response.statusCode();
            count(connectorId, String.valueOf(status));
            if (status >= 200 && status < 300) {
                return response;
            }
            if (status == 401 || status == 403) {
                throw new PartnerAuthenticationException(connectorId, status,
                        target + " refused our credentials (HTTP " + status + "); not retried");
            }
            if (status == 429) {
                Duration wait = retryAfter(response).orElse(policy.backoffAfter(attempt));
                if (attempt >= policy.maxAttempts() || wait.compareTo(policy.maxRetryAfter()) > 0) {
                    throw new PartnerException(connectorId, status, true,
                            target + " rate limited (HTTP 429, Retry-After " + wait.toSeconds() + "s)", null)
                            .withRetryAfter(wait);
                }
                pause(connectorId, target, wait, "HTTP 429");
                continue;
            }
            if (status >= 500 || status == 408) {
                if (attempt >= policy.maxAttempts()) {
                    throw new PartnerException(connectorId, status, true,
                            target + " failed with HTTP " + status + " after " + attempt + " attempts", null);
                }
                pause(connectorId, target, policy.backoffAfter(attempt), "HTTP " + status);
                continue;
            }
            throw new PartnerException(connectorId, status, false, target + " rejected with HTTP " + status
                    + errorExcerpt(response.body()), null);
        }
    }

    /**
     * The start of a refusal's body, on one line, for ops: partners explain a 400 or 422 there (SAP's error
     * message, Odoo's error name). Cut short, as an error body may echo part of the request.
     */
    static String errorExcerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return ": " + (line.length() > ERROR_EXCERPT_CHARS ? line.substring(0, ERROR_EXCERPT_CHARS) + "…" : line);
    }

    /** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::trim).flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
        });
    }

    private void pause(String connectorId, String target, Duration wait, String why) {
        log.warn("{}: {} answered {}; trying again in {} ms", connectorId, target, why, wait.toMillis());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PartnerException(connectorId, 0, true, target + " interrupted while waiting to retry", e);
        }
    }

    private void count(String connectorId, String outcome) {
        meters.counter("hub.partner.calls", "connector", connectorId, "outcome", outcome).increment();
    }

    /** Builds a fresh request for each attempt. */
    @FunctionalInterface
    public interface RequestFactory {
        HttpRequest build();
    }
}
