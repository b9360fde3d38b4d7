package com.encours.hub.sandbox;

import com.encours.hub.config.HubProperties;
import com.encours.hub.finance.WebhookSignature;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays a finance system that receives the hub's webhooks: checks the signature, keeps every delivery
 * (duplicates included, so tests can count them) and appends it to {@code <data-dir>/webhook.log},
 * one JSON event per line, for a person to watch with {@code tail -f}.
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class FinanceWebhookReceiver implements SandboxSimulator {

    private static final Logger log = LoggerFactory.getLogger(FinanceWebhookReceiver.class);
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final String secret;
    private final Path logFile;
    private final FaultPlan faults = new FaultPlan();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();
    /** Text that makes the receiver refuse an event as invalid (HTTP 422), as a finance system's validation would. */
    private volatile String refused;

    public FinanceWebhookReceiver(HubProperties properties, @Value("${hub.data-dir}") Path dataDir) {
        this.secret = properties.getFinance().getWebhooks().stream()
                .filter(w -> w.getUrl() != null && w.getUrl().contains("/finance/webhook"))
                .map(HubProperties.Webhook::getSecret).findFirst().orElse("");
        this.logFile = dataDir.resolve("webhook.log");
    }

    /** One received delivery: the idempotency key the hub sent, the raw event, when it arrived and its type. */
    public record Delivery(String idempotencyKey, String body, Instant receivedAt, String eventType) {
    }

    /** The item events (open-item.enriched) received: one per change of an open item. */
    public List<Delivery> deliveries() {
        return deliveries("open-item.enriched");
    }

    /** The events of one type received, e.g. limit.breached. */
    public List<Delivery> deliveries(String eventType) {
        return deliveries.stream().filter(delivery -> eventType.equals(delivery.eventType())).toList();
    }

    public void reset() {
        deliveries.clear();
        requests.set(0);
        faults.clear();
        refused = null;
    }

    /** Answers 422 to every event whose body contains this text, until {@link #reset()}. */
    public void refuseEventsContaining(String text) {
        refused = text;
    }

    @Override
    public String pathPrefix() {
        return "/finance";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().equals("/finance/webhook")) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        if (!WebhookSignature.verify(secret, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER), body)) {
            exchange.sendResponseHeaders(401, -1);
            return;
        }
        requests.incrementAndGet();
        // a batch (batch-size above 1) is a JSON array of events: each is a delivery, under its own eventId
        boolean batch = body.stripLeading().startsWith("[");
        List<String> events = batch ? elements(body) : List.of(body);
        String refusing = refused;
        if (refusing != null && events.stream().anyMatch(event -> event.contains(refusing))) {
            byte[] problem = "{\"title\":\"Unprocessable event\",\"status\":422}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(422, problem.length);
            exchange.getResponseBody().write(problem);
            exchange.close();
            return;
        }
        String eventType = exchange.getRequestHeaders().getFirst("X-Encours-Event-Type");
        for (String event : events) {
            String key = batch ? json.readTree(event).path("eventId").asText()
                    : exchange.getRequestHeaders().getFirst("Idempotency-Key");
            deliveries.add(new Delivery(key, event, Instant.now(), eventType));
            appendToLog(event);
        }
        exchange.sendResponseHeaders(204, -1);
    }

    /** POST requests that carried events (signed), batches counted once. */
    public int requests() {
        return requests.get();
    }

    /** The array's elements as they were sent, character for character (amounts keep their digits). */
    private List<String> elements(String array) throws IOException {
        List<String> events = new ArrayList<>();
        try (JsonParser parser = json.getFactory().createParser(array)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                events.add(array.substring(start, (int) parser.currentLocation().getCharOffset()));
            }
        }
        return events;
    }

    private synchronized void appendToLog(String body) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, body.replace('\n', ' ') + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("Sandbox finance receiver cannot write {}: {}", logFile, e.getMessage());
        }
    }
}
