package com.encours.hub.finance;

import com.encours.hub.core.Hashes;
import com.encours.hub.core.exposure.CurrencyFigures;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * Read API of the debtor events and figures, for finance systems that poll rather than subscribe. Every answer
 * carries an ETag of its content: a client that sends it back in {@code If-None-Match} gets 304 and no body
 * while nothing changed.
 */
@RestController
@RequestMapping("/api/finance")
public class FinanceEventsApi {

    private final FinanceEventStore events;
    private final PortfolioFigures figures;
    private final ObjectMapper json;
    private final Clock clock;

    public FinanceEventsApi(FinanceEventStore events, PortfolioFigures figures, ObjectMapper json, Clock clock) {
        this.events = events;
        this.figures = figures;
        this.json = json;
        this.clock = clock;
    }

    /** The portfolio's totals per currency, with a page of its debtors' figures. */
    public record PortfolioView(LocalDate asOf, List<CurrencyFigures> totals, ReadApi.Page<DebtorFigures.Figures> debtors) {
    }

    /**
     * Events in the order they were published.
     *
     * @param type   an event type, e.g. limit.breached
     * @param debtor hub id of the debtor
     * @param since  events that occurred at or after this instant (ISO 8601)
     */
    @GetMapping("/events")
    public ResponseEntity<String> events(@RequestParam(required = false) String type,
                                         @RequestParam(required = false) String debtor,
                                         @RequestParam(required = false)
                                         @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
                                         @RequestParam(defaultValue = "0") int page,
                                         @RequestParam(defaultValue = "50") int size,
                                         @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        ReadApi.checkPage(page, size);
        if (type != null && !FinanceEvent.TYPES.contains(type)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "type is one of " + FinanceEvent.TYPES);
        }
        List<JsonNode> items = events.find(type, debtor, since, page * size, size).stream()
                .map(event -> readTree(event.payload())).toList();
        return tagged(new ReadApi.Page<>(items, page, size, events.count(type, debtor, since)), ifNoneMatch);
    }

    /** A debtor's figures today, per currency, and its headroom under each of its limits. */
    @GetMapping("/debtors/{hubId}/figures")
    public ResponseEntity<String> debtorFigures(@PathVariable String hubId,
                                                @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        DebtorFigures.Figures debtor = figures.ofDebtor(hubId, LocalDate.now(clock))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no debtor " + hubId));
        return tagged(debtor, ifNoneMatch);
    }

    /** The portfolio's totals per currency and a page of its debtors' figures, by debtor key. */
    @GetMapping("/portfolio/figures")
    public ResponseEntity<String> portfolioFigures(@RequestParam(defaultValue = "0") int page,
                                                   @RequestParam(defaultValue = "50") int size,
                                                   @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        ReadApi.checkPage(page, size);
        PortfolioFigures.Portfolio portfolio = figures.asOf(LocalDate.now(clock));
        List<DebtorFigures.Figures> debtors = portfolio.debtors();
        int from = Math.min(debtors.size(), page * size);
        List<DebtorFigures.Figures> onPage = debtors.subList(from, Math.min(debtors.size(), from + size));
        return tagged(new PortfolioView(portfolio.asOf(), portfolio.totals(), new ReadApi.Page<>(onPage, page, size,
                debtors.size())), ifNoneMatch);
    }

    /** The body with a strong ETag of its bytes; 304 without a body when the client has it already. */
    private ResponseEntity<String> tagged(Object body, String ifNoneMatch) {
        String text = write(body);
        String etag = "\"" + Hashes.shortSha256(text) + "\"";
        if (ifNoneMatch != null && Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim).map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(tag -> tag.equals(etag) || tag.equals("*"))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return ResponseEntity.ok().eTag(etag).contentType(MediaType.APPLICATION_JSON).body(text);
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write our own answer", e);
        }
    }

    private JsonNode readTree(String payload) {
        try {
            return json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored finance event is not JSON", e);
        }
    }
}
