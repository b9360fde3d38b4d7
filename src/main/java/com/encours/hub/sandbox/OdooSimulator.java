package com.encours.hub.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays an Odoo 19 database behind the External JSON-2 API: {@code POST /json/2/<model>/search_read} and
 * {@code search_count} on {@code res.partner} and {@code account.move}, with the bearer API key, the optional X-Odoo-Database
 * header, domains in Polish notation ({@code &}, {@code |}, {@code !} and {@code =, !=, <, <=, >, >=, in,
 * not in}), {@code order}, {@code limit} and {@code offset}, and Odoo's error object
 * ({@code name, message, arguments, context, debug}) with a 4xx/5xx status.
 * <p>
 * Like Odoo, it keeps write_date with microseconds, sorts and compares on them, and shows them in whole
 * seconds. Data comes from the {@link SandboxPortfolio}: each company is a partner (three of them with a
 * contact person who receives the invoices), each invoice a customer invoice; a few credit notes and
 * cancelled invoices are added, and records the hub must leave out (drafts, vendor bills, another
 * company's invoices).
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class OdooSimulator implements SandboxSimulator {

    public static final String API_KEY = "sandbox-odoo-api-key";
    public static final String DATABASE = "sandbox";
    public static final long COMPANY_ID = 1;
    public static final long OTHER_COMPANY_ID = 2;
    /** Every 50th invoice gets a credit note of a tenth of it. */
    public static final int CREDIT_NOTE_EVERY = 50;
    public static final int CANCELLED_INVOICES = 3;
    /** Move ids: invoice n of the portfolio is FIRST_MOVE_ID + n; added moves come after all invoices. */
    public static final long FIRST_MOVE_ID = 100;
    public static final long FIRST_PARTNER_ID = 7;

    private static final Pattern API_PATH = Pattern.compile("/odoo/json/2/([a-z0-9_.]+)/([a-z0-9_]+)");
    private static final DateTimeFormatter ODOO_DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final Set<String> SEARCH_READ_PARAMETERS = Set.of("domain", "fields", "offset", "limit", "order", "context");
    private static final Set<String> OPERATORS = Set.of("=", "!=", "<", "<=", ">", ">=", "in", "not in");
    private static final Map<String, String[]> COUNTRIES = Map.of(
            "BE", new String[]{"20", "Belgium"}, "FR", new String[]{"75", "France"}, "NL", new String[]{"166", "Netherlands"});
    private static final int CONTACTS = 3;

    private final SandboxPortfolio portfolio;
    private final FaultPlan faults = new FaultPlan();
    // Amounts are Python floats in Odoo and go out as such (1512.5, 0.0): doubles here, of cents below 10^7.
    private final JsonMapper json = new JsonMapper();
    private final AtomicInteger apiRequests = new AtomicInteger();
    private final List<JsonNode> requestBodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger countRequests = new AtomicInteger();
    private final List<Row> injectedMoves = new CopyOnWriteArrayList<>();
    private final Instant partnersModified;
    private final List<Row> extraMoves;

    public OdooSimulator(SandboxPortfolio portfolio) {
        this.portfolio = portfolio;
        // all customers came in with one import: one transaction, one write_date
        this.partnersModified = portfolio.invoices().stream().map(SandboxPortfolio.Invoice::lastModified)
                .min(Comparator.naturalOrder()).orElseThrow().minus(Duration.ofDays(1)).plusNanos(417_000);
        this.extraMoves = extraMoves();
    }

    @Override
    public String pathPrefix() {
        return "/odoo";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    /** search_read calls that reached the simulator, refused ones included (injected faults not included). */
    public int apiRequests() {
        return apiRequests.get();
    }

    /** search_count calls that reached the simulator, refused ones included. */
    public int countRequests() {
        return countRequests.get();
    }

    /** The JSON bodies of the search_read calls served, in order. */
    public List<JsonNode> requestBodies() {
        return List.copyOf(requestBodies);
    }

    /** How many account.move records the hub should read: posted or cancelled customer documents of the company. */
    public int customerMoves() {
        return portfolio.invoices().size() + creditNotes() + CANCELLED_INVOICES;
    }

    public int creditNotes() {
        return (portfolio.invoices().size() + CREDIT_NOTE_EVERY - 1) / CREDIT_NOTE_EVERY;
    }

    public long moveId(SandboxPortfolio.Invoice invoice) {
        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        for (int n = 0; n < invoices.size(); n++) {
            if (invoices.get(n).id().equals(invoice.id())) {
                return FIRST_MOVE_ID + n;
            }
        }
        throw new IllegalArgumentException("no sandbox invoice " + invoice.number());
    }

    /**
     * Adds a customer invoice of the company whose search_read text is {@code rawJson}, verbatim (malformed on
     * purpose); it is found and sorted by the given id and write_date like any other record.
     */
    public void injectMove(long id, Instant writeDate, String rawJson) {
        injectedMoves.add(new Row(id, writeDate, Map.of("move_type", "out_invoice", "state", "posted",
                "company_id", COMPANY_ID), fields -> json.createObjectNode(), rawJson));
    }

    /** Odoo's error object, as the JSON-2 endpoint answers it with a 4xx or 5xx status. */
    public static String errorBody(String exception, String message, int status) {
        JsonMapper mapper = new JsonMapper();
        ObjectNode body = mapper.createObjectNode().put("name", exception).put("message", message);
        body.putArray("arguments").add(message).add(status);
        body.putObject("context");
        body.put("debug", "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/http.py\", line 2212, in "
                + "_transactioning\n" + exception + ": " + message + "\n");
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Matcher api = API_PATH.matcher(exchange.getRequestURI().getPath());
        if (!api.matches() || !exchange.getRequestMethod().equals("POST")) {
            error(exchange, 404, "werkzeug.exceptions.NotFound", "404 Not Found: The requested URL was not found on the server.");
            return;
        }
        boolean counting = api.group(2).equals("search_count");
        (counting ? countRequests : apiRequests).incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "bearer ", 0, 7)
                || !API_KEY.equals(authorization.substring(7).trim())) {
            error(exchange, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey");
            return;
        }
        String database = exchange.getRequestHeaders().getFirst("X-Odoo-Database");
        if (database != null && !DATABASE.equals(database)) {
            error(exchange, 404, "werkzeug.exceptions.NotFound", "404 Not Found: database " + database + " not found");
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            error(exchange, 415, "werkzeug.exceptions.UnsupportedMediaType", "415 Unsupported Media Type");
            return;
        }
        String model = api.group(1);
        if (!model.equals("res.partner") && !model.equals("account.move")) {
            error(exchange, 404, "werkzeug.exceptions.NotFound", "404 Not Found: model " + model + " not found");
            return;
        }
        if (!counting && !api.group(2).equals("search_read")) {
            error(exchange, 404, "werkzeug.exceptions.NotFound",
                    "404 Not Found: the sandbox serves search_read and search_count only");
            return;
        }
        JsonNode body;
        try {
            body = json.readTree(exchange.getRequestBody());
        } catch (JsonProcessingException e) {
            error(exchange, 400, "werkzeug.exceptions.BadRequest", "400 Bad Request: invalid JSON data");
            return;
        }
        if (body == null || !body.isObject()) {
            error(exchange, 400, "werkzeug.exceptions.BadRequest", "400 Bad Request: the body is not a JSON object");
            return;
        }
        try {
            if (counting) {
                searchCount(exchange, model, body);
            } else {
                requestBodies.add(body);
                searchRead(exchange, model, body);
            }
        } catch (OdooError e) {
            error(exchange, 422, e.exception, e.getMessage());
        }
    }

    private void searchRead(HttpExchange exchange, String model, JsonNode body) throws IOException {
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SEARCH_READ_PARAMETERS.contains(name)) {
                throw new OdooError("builtins.TypeError",
                        "BaseModel.search_read() got an unexpected keyword argument '" + name + "'");
            }
        }
        List<Row> rows = model.equals("res.partner") ? partners() : moves();
        List<String> fields = new ArrayList<>();
        body.path("fields").forEach(field -> fields.add(field.asText()));
        Set<String> known = knownFields(model);
        for (String field : fields) {
            if (!known.contains(field)) {
                throw new OdooError("builtins.ValueError", "Invalid field '" + field + "' on model '" + model + "'");
            }
        }
        Predicate<Row> domain = domain(body.path("domain"));
        List<Row> matching = new ArrayList<>(rows.stream().filter(domain).toList());
        matching.sort(order(body.path("order").asText("id asc")));
        int offset = body.path("offset").asInt(0);
        int limit = body.path("limit").isNumber() ? body.path("limit").asInt() : Integer.MAX_VALUE;
        List<Row> page = matching.subList(Math.min(offset, matching.size()),
                (int) Math.min((long) offset + limit, matching.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        for (int i = 0; i < page.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            Row row = page.get(i);
            out.write(row.raw() != null ? row.raw().getBytes(StandardCharsets.UTF_8)
                    : json.writeValueAsBytes(row.render().apply(fields)));
        }
        out.write(']');
        send(exchange, 200, out.toByteArray());
    }

    /** search_count: the number of records the domain matches, as a bare JSON number. */
    private void searchCount(HttpExchange exchange, String model, JsonNode body) throws IOException {
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("domain") && !name.equals("context") && !name.equals("limit")) {
                throw new OdooError("builtins.TypeError",
                        "BaseModel.search_count() got an unexpected keyword argument '" + name + "'");
            }
        }
        List<Row> rows = model.equals("res.partner") ? partners() : moves();
        long count = rows.stream().filter(domain(body.path("domain"))).count();
        send(exchange, 200, Long.toString(count).getBytes(StandardCharsets.UTF_8));
    }

    private static Set<String> knownFields(String model) {
        return model.equals("res.partner")
                ? Set.of("id", "name", "is_company", "vat", "company_registry", "country_id", "country_code", "street",
                "street2", "zip", "city", "email", "phone", "property_payment_term_id", "credit_limit", "write_date",
                "parent_id", "commercial_partner_id", "customer_rank", "active", "company_id")
                : Set.of("id", "name", "move_type", "state", "partner_id", "commercial_partner_id", "invoice_date",
                "invoice_date_due", "amount_total", "amount_residual", "currency_id", "payment_state", "write_date",
                "company_id", "ref", "invoice_origin", "amount_untaxed", "amount_tax");
    }

    // ---- data -------------------------------------------------------------------------------------------

    private List<Row> partners() {
        List<Row> rows = new ArrayList<>();
        List<SandboxPortfolio.Company> companies = portfolio.companies();
        for (int i = 0; i < companies.size(); i++) {
            SandboxPortfolio.Company company = companies.get(i);
            long id = FIRST_PARTNER_ID + i;
            int index = i;
            rows.add(new Row(id, partnersModified, Map.of("is_company", true, "parent_id", false),
                    fields -> partner(company, id, index, fields), null));
        }
        for (int i = 0; i < Math.min(CONTACTS, companies.size()); i++) {
            SandboxPortfolio.Company company = companies.get(i);
            long id = contactId(i);
            String name = company.name() + ", " + new String[]{"Sofie Peeters", "Claire Martin", "Daan Visser"}[i];
            rows.add(new Row(id, partnersModified, Map.of("is_company", false, "parent_id", FIRST_PARTNER_ID + i),
                    fields -> select(fields, json.createObjectNode().put("id", id).put("name", name)
                            .put("is_company", false).put("write_date", seconds(partnersModified))), null));
        }
        return rows;
    }

    private long contactId(int companyIndex) {
        return FIRST_PARTNER_ID + portfolio.companies().size() + companyIndex;
    }

    private ObjectNode partner(SandboxPortfolio.Company company, long id, int index, List<String> fields) {
        String[] country = COUNTRIES.get(company.country());
        ObjectNode node = json.createObjectNode().put("id", id).put("name", company.name()).put("is_company", true)
                .put("vat", company.vat());
        switch (company.country()) {
            case "NL" -> node.put("company_registry", String.format(Locale.ROOT, "%08d", 30_000_000 + index * 7_919));
            default -> node.put("company_registry", company.regNo());
        }
        node.set("country_id", pair(Long.parseLong(country[0]), country[1]));
        node.put("country_code", company.country())
                .put("street", "Stationsstraat " + (index + 1)).put("street2", false)
                .put("zip", String.valueOf(1000 + index * 10)).put("city", country[1].equals("France") ? "Lille" : "Gent")
                .put("email", "accounts@" + company.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".example")
                .put("phone", false);
        node.set("property_payment_term_id", pair(4, "30 Days"));
        node.put("credit_limit", company.internalLimit().doubleValue())
                .put("write_date", seconds(partnersModified));
        return select(fields, node);
    }

    private List<Row> moves() {
        List<Row> rows = new ArrayList<>();
        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        for (int n = 0; n < invoices.size(); n++) {
            SandboxPortfolio.Invoice invoice = invoices.get(n);
            BigDecimal residual = invoice.remainingAmount();
            String paymentState = residual.signum() == 0 ? "paid"
                    : residual.compareTo(invoice.totalAmount()) < 0 ? "partial" : "not_paid";
            rows.add(move(FIRST_MOVE_ID + n, invoice, "out_invoice", "posted", "INV/" + invoice.invoiceDate().getYear()
                            + "/" + String.format(Locale.ROOT, "%05d", n + 1), invoice.totalAmount(), residual, paymentState,
                    COMPANY_ID, invoice.lastModified()));
        }
        rows.addAll(extraMoves);
        rows.addAll(injectedMoves);
        return rows;
    }

    /**
     * Credit notes, cancelled invoices, and what a real database holds besides: drafts, vendor bills and
     * invoices of another company. Built once: the portfolio changes only invoices.
     */
    private List<Row> extraMoves() {
        List<Row> rows = new ArrayList<>();
        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        long id = FIRST_MOVE_ID + invoices.size();
        for (int n = 0, k = 1; n < invoices.size(); n += CREDIT_NOTE_EVERY, k++) {
            SandboxPortfolio.Invoice invoice = invoices.get(n);
            BigDecimal amount = invoice.totalAmount().divide(BigDecimal.TEN, 2, RoundingMode.HALF_UP);
            rows.add(move(id++, invoice, "out_refund", "posted", "RINV/" + invoice.invoiceDate().getYear() + "/"
                            + String.format(Locale.ROOT, "%05d", k), amount, amount, "not_paid", COMPANY_ID,
                    invoice.lastModified().plusSeconds(30)));
        }
        for (int c = 0; c < CANCELLED_INVOICES; c++) {
            SandboxPortfolio.Invoice invoice = invoices.get((c * 7) % invoices.size());
            rows.add(move(id++, invoice, "out_invoice", "cancel", "INV/" + invoice.invoiceDate().getYear() + "/C"
                    + (c + 1), invoice.totalAmount(), BigDecimal.ZERO.setScale(2), "not_paid", COMPANY_ID,
                    invoice.lastModified().plusSeconds(45)));
        }
        SandboxPortfolio.Invoice sample = invoices.get(0);
        rows.add(move(id++, sample, "out_invoice", "draft", "/", sample.totalAmount(), sample.totalAmount(), "not_paid",
                COMPANY_ID, sample.lastModified().plusSeconds(50)));
        rows.add(move(id++, sample, "in_invoice", "posted", "BILL/" + sample.invoiceDate().getYear() + "/00001",
                sample.totalAmount(), sample.totalAmount(), "not_paid", COMPANY_ID, sample.lastModified().plusSeconds(55)));
        rows.add(move(id, sample, "out_invoice", "posted", "INV2/" + sample.invoiceDate().getYear() + "/00001",
                sample.totalAmount(), sample.totalAmount(), "not_paid", OTHER_COMPANY_ID, sample.lastModified().plusSeconds(58)));
        return List.copyOf(rows);
    }

    private Row move(long id, SandboxPortfolio.Invoice invoice, String type, String state, String name, BigDecimal total,
                     BigDecimal residual, String paymentState, long companyId, Instant writeDate) {
        int companyIndex = portfolio.companies().indexOf(invoice.customer());
        long commercial = FIRST_PARTNER_ID + companyIndex;
        // the first customers' invoices go to their contact person; the receivable stays on the company
        long partner = companyIndex < CONTACTS ? contactId(companyIndex) : commercial;
        String partnerName = invoice.customer().name();
        Map<String, Object> stored = Map.of("move_type", type, "state", state, "company_id", companyId);
        return new Row(id, writeDate, stored, fields -> {
            ObjectNode node = json.createObjectNode().put("id", id).put("name", name).put("move_type", type)
                    .put("state", state);
            node.set("partner_id", pair(partner, partnerName));
            node.set("commercial_partner_id", pair(commercial, partnerName));
            node.put("invoice_date", invoice.invoiceDate().toString())
                    .put("invoice_date_due", type.equals("out_refund") ? invoice.invoiceDate().toString()
                            : invoice.dueDate().toString())
                    .put("amount_total", total.doubleValue()).put("amount_residual", residual.doubleValue());
            node.set("currency_id", pair(invoice.currency().equals("EUR") ? 1 : 2, invoice.currency()));
            node.put("payment_state", paymentState).put("write_date", seconds(writeDate));
            node.set("company_id", pair(companyId, companyId == COMPANY_ID ? "ACME Sandbox" : "ACME Other"));
            return select(fields, node);
        }, null);
    }

    private ArrayNode pair(long id, String displayName) {
        return json.createArrayNode().add(id).add(displayName);
    }

    /** Only the fields asked, and the id always, as search_read does; all of them when none are asked. */
    private static ObjectNode select(List<String> fields, ObjectNode node) {
        if (!fields.isEmpty()) {
            node.retain(fields);
            node.put("id", node.path("id").asLong());
        }
        return node;
    }

    private static String seconds(Instant instant) {
        return ODOO_DATETIME.format(instant.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
    }

    // ---- domain and order --------------------------------------------------------------------------------

    private Predicate<Row> domain(JsonNode domain) {
        if (domain.isMissingNode() || domain.isNull()) {
            return row -> true;
        }
        if (!domain.isArray()) {
            throw new OdooError("builtins.ValueError", "Invalid domain: " + domain);
        }
        Deque<JsonNode> terms = new ArrayDeque<>();
        domain.forEach(terms::add);
        List<Predicate<Row>> anded = new ArrayList<>();
        while (!terms.isEmpty()) {
            anded.add(term(terms));
        }
        return row -> anded.stream().allMatch(p -> p.test(row));
    }

    /** One term in Polish notation, consuming its operands. */
    private Predicate<Row> term(Deque<JsonNode> terms) {
        if (terms.isEmpty()) {
            throw new OdooError("builtins.ValueError", "Invalid domain: an operator lacks its operands");
        }
        JsonNode term = terms.poll();
        if (term.isTextual()) {
            return switch (term.asText()) {
                case "&" -> term(terms).and(term(terms));
                case "|" -> term(terms).or(term(terms));
                case "!" -> term(terms).negate();
                default -> throw new OdooError("builtins.ValueError", "Invalid domain operator " + term);
            };
        }
        if (!term.isArray() || term.size() != 3 || !term.get(0).isTextual() || !OPERATORS.contains(term.get(1).asText())) {
            throw new OdooError("builtins.ValueError", "Invalid leaf " + term);
        }
        String field = term.get(0).asText();
        String operator = term.get(1).asText();
        JsonNode value = term.get(2);
        return row -> compare(row, field, operator, value);
    }

    private boolean compare(Row row, String field, String operator, JsonNode value) {
        Object actual = row.value(field);
        return switch (operator) {
            case "in", "not in" -> {
                boolean in = false;
                for (JsonNode candidate : value) {
                    in |= Objects.equals(actual, literal(field, candidate));
                }
                yield operator.equals("in") == in;
            }
            case "=" -> Objects.equals(actual, literal(field, value));
            case "!=" -> !Objects.equals(actual, literal(field, value));
            default -> {
                Object bound = literal(field, value);
                if (!(actual instanceof Comparable<?>) || bound == null || actual.getClass() != bound.getClass()) {
                    yield false;
                }
                @SuppressWarnings("unchecked")
                int sign = ((Comparable<Object>) actual).compareTo(bound);
                yield switch (operator) {
                    case "<" -> sign < 0;
                    case "<=" -> sign <= 0;
                    case ">" -> sign > 0;
                    default -> sign >= 0;
                };
            }
        };
    }

    /** A domain value in the type the row holds: datetimes as instants, many2one ids as longs. */
    private static Object literal(String field, JsonNode value) {
        if (field.equals("write_date") && value.isTextual()) {
            try {
                return LocalDateTime.parse(value.asText(), ODOO_DATETIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new OdooError("builtins.ValueError", "time data '" + value.asText()
                        + "' does not match format '%Y-%m-%d %H:%M:%S'");
            }
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.isNull() ? null : value.asText();
    }

    private static Comparator<Row> order(String order) {
        Comparator<Row> comparator = null;
        for (String part : order.split(",")) {
            String[] words = part.trim().split("\\s+");
            String field = words[0];
            if (!field.equals("id") && !field.equals("write_date")) {
                throw new OdooError("builtins.ValueError", "the sandbox orders by id and write_date only, not " + field);
            }
            Comparator<Row> by = field.equals("id") ? Comparator.comparingLong(Row::id) : Comparator.comparing(Row::writeDate);
            if (words.length > 1 && words[1].equalsIgnoreCase("desc")) {
                by = by.reversed();
            }
            comparator = comparator == null ? by : comparator.thenComparing(by);
        }
        return comparator == null ? Comparator.comparingLong(Row::id) : comparator;
    }

    // ---- replies -----------------------------------------------------------------------------------------

    private void error(HttpExchange exchange, int status, String exception, String message) throws IOException {
        send(exchange, status, errorBody(exception, message, status).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * One record: its id and full-precision write_date, the stored values domains test, and how it renders
     * for the fields asked; or, for an injected record, its raw text.
     */
    private record Row(long id, Instant writeDate, Map<String, Object> stored,
                       Function<List<String>, ObjectNode> render, String raw) {

        Object value(String field) {
            return switch (field) {
                case "id" -> id;
                case "write_date" -> writeDate;
                default -> stored.containsKey(field) ? stored.get(field) : null;
            };
        }
    }

    /** A Python exception raised while serving the call: answered as 422 with Odoo's error object. */
    private static final class OdooError extends RuntimeException {

        private final String exception;

        OdooError(String exception, String message) {
            super(message);
            this.exception = exception;
        }
    }
}
