package com.encours.hub.sandbox;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Scripted failures of a simulated partner: a queue of one-off faults, or a standing fault until
 * cleared (an outage). A fault applies only to requests whose path and query match its filter.
 */
public class FaultPlan {

    private final ConcurrentLinkedQueue<Fault> next = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Fault> outage = new AtomicReference<>();
    private final AtomicInteger injected = new AtomicInteger();

    /** Answers the next matching request with this fault, once. */
    public FaultPlan once(Fault fault) {
        next.add(fault);
        return this;
    }

    /** Answers every matching request with this fault until {@link #clear()}. */
    public FaultPlan always(Fault fault) {
        outage.set(fault);
        return this;
    }

    public void clear() {
        next.clear();
        outage.set(null);
    }

    public int injectedCount() {
        return injected.get();
    }

    /** Sends the fault for this exchange if one is due; returns whether it did. */
    boolean apply(HttpExchange exchange) throws IOException {
        String request = exchange.getRequestURI().toString();
        Fault fault = outage.get();
        if (fault == null || !fault.appliesTo().test(request)) {
            fault = next.stream().filter(f -> f.appliesTo().test(request)).findFirst().orElse(null);
            if (fault == null || !next.remove(fault)) {
                return false;
            }
        }
        injected.incrementAndGet();
        if (!fault.delay().isZero()) {
            try {
                Thread.sleep(fault.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
        fault.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(fault.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
        return true;
    }

    /**
     * @param delay     held before answering (a slow partner; longer than the client timeout is a timeout)
     * @param appliesTo which requests it hits, tested on the path with its query string
     */
    public record Fault(int status, Map<String, String> headers, String body, Duration delay,
                        Predicate<String> appliesTo) {

        public static Fault status(int status) {
            return new Fault(status, Map.of("Content-Type", "application/json"),
                    "{\"error\":{\"code\":\"Simulated\",\"message\":\"simulated HTTP " + status + "\"}}",
                    Duration.ZERO, request -> true);
        }

        public static Fault tooManyRequests(int retryAfterSeconds) {
            return new Fault(429, Map.of("Retry-After", String.valueOf(retryAfterSeconds),
                    "Content-Type", "application/json"),
                    "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"rate limit reached\"}}",
                    Duration.ZERO, request -> true);
        }

        public Fault onRequestsContaining(String fragment) {
            return new Fault(status, headers, body, delay, request -> request.contains(fragment));
        }

        public Fault withBody(String newBody) {
            return new Fault(status, headers, newBody, delay, appliesTo);
        }

        public Fault after(Duration newDelay) {
            return new Fault(status, headers, body, newDelay, appliesTo);
        }
    }
}
