package com.encours.hub.erp.odoo;

import com.encours.hub.config.ConnectorInstance;
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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads commercial partners and customer invoices and credit notes of one Odoo database through the
 * External JSON-2 API ({@code POST /json/2/<model>/search_read}, bearer API key).
 * <p>
 * Paging is keyset on (write_date, id). Odoo shows write_date in whole seconds but keeps microseconds in
 * the database and sorts on them, so inside one second the order is not the id order: a cursor
 * "write_date = S and id > n" would skip records. The source therefore reads a second whose end it has
 * not seen by id ({@code S <= write_date < S+1s, id > n, order id asc}), and moves on with
 * {@code write_date >= S+1s, order write_date asc, id asc}; from a full page it keeps only the seconds it
 * has seen whole and reads the last one by id. Bounds are whole seconds with {@code >=} and {@code <}, so
 * the domains mean the same before and after Odoo rounds datetime conditions to the second.
 */
@Component
public class OdooSource implements ErpSource {

    public static final String PROTOCOL = "odoo-json2";
    /** Stream names (Odoo models), also the keys of the watermarks map. */
    public static final String PARTNERS = "res.partner";
    public static final String MOVES = "account.move";

    static final List<String> PARTNER_FIELDS = List.of("id", "name", "is_company", "vat", "company_registry",
            "country_id", "country_code", "street", "street2", "zip", "city", "email", "phone",
            "property_payment_term_id", "credit_limit", "write_date");
    static final List<String> MOVE_FIELDS = List.of("id", "name", "move_type", "state", "partner_id",
            "commercial_partner_id", "invoice_date", "invoice_date_due", "amount_total", "amount_residual",
            "currency_id", "payment_state", "write_date", "company_id");

    private static final Logger log = LoggerFactory.getLogger(OdooSource.class);
    /** Odoo's datetime format over the API: UTC, whole seconds. */
    static final DateTimeFormatter ODOO_DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final Duration PAGE_TIMEOUT = Duration.ofMinutes(2);
    /** What paging needs from a record: its id and write_date. */
    private static final Map<String, JsonToken> PAGING_FIELDS =
            Map.of("id", JsonToken.VALUE_NUMBER_INT, "write_date", JsonToken.VALUE_STRING);

    private final PartnerHttp http;
    private final Clock clock;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    private final JsonMapper json = new JsonMapper();

    @Autowired
    public OdooSource(PartnerHttp http) {
        this(http, Clock.systemUTC());
    }

    OdooSource(PartnerHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        long[] companies = companyIds(connector);
        Map<String, String> next = new LinkedHashMap<>(watermarks);
        StreamTotals totals = new StreamTotals(sink);
        read(connector, new Stream(PARTNERS, ErpPage.RecordType.DEBTOR, PARTNER_FIELDS, partnerScope(), companies),
                watermarks.get(PARTNERS), totals, sink).ifPresent(position -> next.put(PARTNERS, position));
        read(connector, new Stream(MOVES, ErpPage.RecordType.OPEN_ITEM, MOVE_FIELDS, moveScope(companies), companies),
                watermarks.get(MOVES), totals, sink).ifPresent(position -> next.put(MOVES, position));
        return next;
    }

    /** Commercial entities only: an invoice's receivable is on its commercial partner, never on a contact. */
    private ArrayNode partnerScope() {
        ArrayNode domain = nodes.arrayNode().add("|");
        domain.add(condition("is_company", "=", nodes.booleanNode(true)));
        domain.add(condition("parent_id", "=", nodes.booleanNode(false)));
        return domain;
    }

    /** Customer invoices and credit notes that are receivables or were: posted or cancelled, not drafts. */
    private ArrayNode moveScope(long[] companies) {
        ArrayNode domain = nodes.arrayNode();
        domain.add(condition("move_type", "in", nodes.arrayNode().add("out_invoice").add("out_refund")));
        domain.add(condition("state", "in", nodes.arrayNode().add("posted").add("cancel")));
        ArrayNode ids = nodes.arrayNode();
        Arrays.stream(companies).forEach(ids::add);
        domain.add(condition("company_id", "in", ids));
        return domain;
    }

    /**
     * Reads one model and returns its next watermark: the last (second, id) read, but never later than the
     * server's clock at the first page minus the late-commit window, so that a posting committed after
     * its write_date is read by the next extract (the ledger ignores the unchanged rest). When the first page
     * is full, search_count tells how many records are coming, for the extract's progress.
     */
    private Optional<String> read(ConnectorInstance connector, Stream stream, String watermark, StreamTotals totals,
                                  PageSink sink) {
        Position since = watermark == null || watermark.isBlank() ? null : Position.parse(connector, stream.model(), watermark);
        int limit = connector.intProperty("pageSize");
        Reader reader = new Reader(connector, stream, limit, sink);
        Position at = since;
        boolean counted = false;
        while (true) {
            if (at != null) {
                at = reader.restOfSecond(at);
            }
            List<ArrayNode> after = at == null ? List.of()
                    : List.of(condition("write_date", ">=", text(at.second().plusSeconds(1))));
            Page page = reader.fetch(after, "write_date asc, id asc");
            if (page.records().isEmpty()) {
                break;
            }
            if (!counted && page.records().size() == limit) {
                // what the rest of the last second gave, and what is still to come
                reader.count(after).ifPresent(coming -> totals.streamHolds(reader.handedOver + coming));
                counted = true;
            }
            Optional<LocalDateTime> lastSeen = page.lastSecond();
            if (page.records().size() < limit) {
                reader.handOver(page.records());
                at = lastSeen.map(last -> new Position(last, page.maxIdIn(last))).orElse(at);
                break;
            }
            LocalDateTime last = lastSeen.orElseThrow(() -> unpageable(connector, stream, "write_date"));
            if (at != null && !last.isAfter(at.second())) {
                throw unpageable(connector, stream, "write_date after " + at.second());
            }
            // the last second may go on past this page: it is read whole, by id, on the next turn
            reader.handOver(page.records().stream().filter(r -> r.second() == null || r.second().isBefore(last)).toList());
            at = new Position(last, 0);
        }
        log.info("{}: {} read, {} records handed over in {} pages", connector.id(), stream.model(), reader.handedOver,
                reader.pages);
        totals.streamRead(reader.handedOver);
        if (at == null) {
            return Optional.empty();
        }
        if (reader.serverTime != null) {
            Position settled = new Position(reader.serverTime.minus(connector.durationProperty("lateCommitWindow"))
                    .truncatedTo(ChronoUnit.SECONDS), 0);
            if (at.isAfter(settled)) {
                at = since != null && since.isAfter(settled) ? since : settled;
            }
        }
        return Optional.of(at.toString());
    }

    /** One term of an Odoo domain: {@code [field, operator, value]}. */
    private ArrayNode condition(String field, String operator, JsonNode value) {
        return nodes.arrayNode().add(field).add(operator).add(value);
    }

    private ArrayNode condition(String field, String operator, String value) {
        return condition(field, operator, nodes.textNode(value));
    }

    private ArrayNode condition(String field, String operator, long value) {
        return condition(field, operator, nodes.numberNode(value));
    }

    private static String text(LocalDateTime second) {
        return ODOO_DATETIME.format(second);
    }

    /** Reads the pages of one model for one extract, and counts what it handed over. */
    private final class Reader {

        private final ConnectorInstance connector;
        private final Stream stream;
        private final int limit;
        private final PageSink sink;
        private int pages;
        private int handedOver;
        private LocalDateTime serverTime;

        Reader(ConnectorInstance connector, Stream stream, int limit, PageSink sink) {
            this.connector = connector;
            this.stream = stream;
            this.limit = limit;
            this.sink = sink;
        }

        /** Reads the records of {@code at}'s second after its id, in id order; returns where it stopped. */
        Position restOfSecond(Position at) {
            Position position = at;
            while (true) {
                Page page = fetch(List.of(
                        condition("write_date", ">=", text(position.second())),
                        condition("write_date", "<", text(position.second().plusSeconds(1))),
                        condition("id", ">", position.id())), "id asc");
                handOver(page.records());
                Optional<Long> lastId = page.maxId();
                if (page.records().size() < limit) {
                    return lastId.isPresent() && lastId.get() > position.id()
                            ? new Position(position.second(), lastId.get()) : position;
                }
                if (lastId.isEmpty() || lastId.get() <= position.id()) {
                    throw unpageable(connector, stream, "id after " + position.id());
                }
                position = new Position(position.second(), lastId.get());
            }
        }

        Page fetch(List<ArrayNode> cursor, String order) {
            ObjectNode body = query(cursor);
            ArrayNode fields = body.putArray("fields");
            stream.fields().forEach(fields::add);
            body.put("limit", limit);
            body.put("order", order);
            HttpResponse<String> response = post(connector, stream.model(), "search_read", body);
            if (serverTime == null) {
                serverTime = response.headers().firstValue("Date").map(ErpRequests::httpDate)
                        .map(instant -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC))
                        .orElseGet(() -> LocalDateTime.now(clock));
            }
            pages++;
            return readPage(connector, stream.model(), response.body());
        }

        /**
         * How many records of the stream are at or after the cursor, as search_count says; empty when it answers
         * something else than a number (the extract goes on, its progress without a percentage).
         */
        Optional<Long> count(List<ArrayNode> cursor) {
            String answer = post(connector, stream.model(), "search_count", query(cursor)).body();
            try {
                return Optional.of(Long.parseLong(answer == null ? "" : answer.trim()));
            } catch (NumberFormatException e) {
                log.warn("{}: search_count on {} answered something else than a number; no total for the progress",
                        connector.id(), stream.model());
                return Optional.empty();
            }
        }

        /** The stream's domain, the cursor's terms after it, and the companies allowed. */
        private ObjectNode query(List<ArrayNode> cursor) {
            // terms side by side are AND-ed; the scope's own "|" takes its next two terms only
            ArrayNode domain = nodes.arrayNode().addAll(stream.scope());
            cursor.forEach(domain::add);
            ObjectNode body = nodes.objectNode();
            body.set("domain", domain);
            ArrayNode companies = body.putObject("context").putArray("allowed_company_ids");
            Arrays.stream(stream.companies()).forEach(companies::add);
            return body;
        }

        void handOver(List<RawRecord> records) {
            if (!records.isEmpty()) {
                // verbatim: duplicate keys, number spellings and odd bytes reach the mapping as sent
                sink.accept(new ErpPage(stream.model(), stream.type(), records.stream().map(RawRecord::raw).toList()));
                handedOver += records.size();
            }
        }
    }

    private HttpResponse<String> post(ConnectorInstance connector, String model, String method, ObjectNode body) {
        String url = connector.property("baseUrl").replaceAll("/+$", "") + "/json/2/" + model + "/" + method;
        String database = connector.property("database");
        String apiKey = connector.property("apiKey");
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a domain of strings and numbers always serialises", e);
        }
        RetryPolicy retry = RetryPolicy.of(connector.descriptor().spec().retry());
        return http.send(connector.id(), retry, ErpRequests.maxPageBytes(connector), () -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(PAGE_TIMEOUT)
                    .header("Authorization", "bearer " + apiKey)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Accept", "application/json")
                    .header("User-Agent", "encours-hub")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
            if (database != null && !database.isBlank()) {
                request.header("X-Odoo-Database", database.trim());
            }
            return request.build();
        });
    }

    /**
     * Reads a search_read answer, a JSON array of records, in one streaming pass: each record is kept as
     * the exact text Odoo sent, with the id and write_date paging needs. Anything that makes the page
     * itself unreadable fails it; the connector status carries the reason.
     */
    Page readPage(ConnectorInstance connector, String model, String body) {
        return JsonPageReader.read(connector.id(), "search_read on " + model, body, JsonToken.START_ARRAY,
                parser -> new Page(JsonPageReader.elements(parser, body, PAGING_FIELDS).stream()
                        .map(e -> new RawRecord(e.raw(), parseId(e.field("id")), parseSecond(e.field("write_date"))))
                        .toList()));
    }

    /** A full page that does not move the cursor on would be asked again and again: the extract stops instead. */
    private static PartnerException unpageable(ConnectorInstance connector, Stream stream, String wanted) {
        return new PartnerException(connector.id(), 200, false, "search_read on " + stream.model()
                + " answered a full page without a record of readable " + wanted + "; paging cannot go on", null);
    }

    private static Long parseId(String text) {
        try {
            return text.isEmpty() ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A record without a readable write_date is handed over all the same; its mapping will refuse it. */
    private static LocalDateTime parseSecond(String text) {
        try {
            return text.isEmpty() ? null : LocalDateTime.parse(text, ODOO_DATETIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long[] companyIds(ConnectorInstance connector) {
        String configured = connector.property("companyIds");
        try {
            long[] ids = Arrays.stream(configured.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
            if (ids.length == 0 || Arrays.stream(ids).anyMatch(id -> id <= 0)) {
                throw new NumberFormatException("ids are positive");
            }
            return ids;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(connector.id() + ": companyIds must be Odoo company ids separated by "
                    + "commas, e.g. \"1\" or \"1,3\"; was '" + configured + "'", e);
        }
    }

    /** One model read by the extract, with the fields asked and the domain that scopes it. */
    private record Stream(String model, ErpPage.RecordType type, List<String> fields, ArrayNode scope, long[] companies) {
    }

    /**
     * Where an extract stopped: every record up to {@code id} of {@code second} was read, and every record
     * of an earlier second. Persisted as {@code "2026-11-02 09:14:27#1234"}.
     */
    record Position(LocalDateTime second, long id) {

        static Position parse(ConnectorInstance connector, String model, String text) {
            int hash = text.lastIndexOf('#');
            try {
                return new Position(LocalDateTime.parse(text.substring(0, hash), ODOO_DATETIME),
                        Long.parseLong(text.substring(hash + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(connector.id() + ": watermark of " + model
                        + " is not '<yyyy-MM-dd HH:mm:ss>#<id>': '" + text + "'", e);
            }
        }

        boolean isAfter(Position other) {
            int bySecond = second.compareTo(other.second);
            return bySecond > 0 || bySecond == 0 && id > other.id;
        }

        @Override
        public String toString() {
            return text(second) + "#" + id;
        }
    }

    /** One search_read answer, in Odoo's order. */
    record Page(List<RawRecord> records) {

        Optional<LocalDateTime> lastSecond() {
            for (int i = records.size() - 1; i >= 0; i--) {
                if (records.get(i).second() != null) {
                    return Optional.of(records.get(i).second());
                }
            }
            return Optional.empty();
        }

        Optional<Long> maxId() {
            return records.stream().map(RawRecord::id).filter(Objects::nonNull).max(Long::compare);
        }

        long maxIdIn(LocalDateTime second) {
            return records.stream().filter(r -> second.equals(r.second()) && r.id() != null)
                    .mapToLong(RawRecord::id).max().orElse(0);
        }
    }

    /** One record of a page: its exact text, and its id and write_date second when readable. */
    record RawRecord(String raw, Long id, LocalDateTime second) {
    }
}
