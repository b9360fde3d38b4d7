package com.encours.hub.sandbox;

import com.encours.hub.core.Hashes;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays Exact Online's REST API v1 for two divisions of the sandbox portfolio: Benelux (Belgian and Dutch
 * customers) and France. It serves
 * <ul>
 *   <li>{@code POST /exact/api/oauth2/token} with {@code grant_type=refresh_token}: ten-minute access
 *   tokens, and a new refresh token on every refresh that spends the one presented (presented again, it
 *   answers 400 invalid_grant). A refresh while the access token has more than 30 seconds left is refused
 *   (Exact's TooEarlyToRefreshTokens);</li>
 *   <li>{@code GET /exact/api/v1/{division}/crm/Accounts} and {@code …/read/financial/ReceivablesList}:
 *   {@code {"d":{"results":[…],"__next":…}}} pages of 60 records, {@code $select}, and for accounts
 *   {@code $filter=Status eq 'C' [and Modified ge datetime'…']}; dates as {@code /Date(ms)/};</li>
 *   <li>60 calls a minute per division, announced on every answer ({@code X-RateLimit-Minutely-Remaining},
 *   {@code X-RateLimit-Minutely-Reset} in epoch milliseconds, and the daily trio), 429 beyond.</li>
 * </ul>
 * Time is the injected clock's, so tests cross token expiry and minute windows without waiting. Refresh
 * tokens carry their place in the chain, so after a restart of the sandbox the hub's stored token is
 * still taken (once) while an older one is not.
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class ExactOnlineSimulator implements SandboxSimulator {

    public static final String CLIENT_ID = "encours-hub-exact-sandbox";
    public static final String CLIENT_SECRET = "sandbox-exact-client-secret";
    public static final long BENELUX = 101001;
    public static final long FRANCE = 202002;
    public static final int PAGE_SIZE = 60;
    public static final int CALLS_PER_MINUTE = 60;
    public static final int CALLS_PER_DAY = 5000;
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(10);
    /** Exact refuses a refresh while the access token has more than this left. */
    public static final Duration REFRESH_ALLOWED_WITHIN = Duration.ofSeconds(30);
    /** Every tenth company of a division has a credit note open. */
    public static final int CREDIT_NOTE_EVERY = 10;
    public static final BigDecimal CREDIT_NOTE_AMOUNT = new BigDecimal("-121.00");

    private static final Pattern API_PATH = Pattern.compile("/exact/api/v1/(\\d+)/(crm/Accounts|read/financial/ReceivablesList)");
    private static final Pattern ACCOUNT_FILTER =
            Pattern.compile("Status eq 'C'(?: and Modified ge datetime'([0-9T:.\\-]+)')?");
    private static final Pattern REFRESH_TOKEN = Pattern.compile("sandbox-rt-(\\d{1,9})-([0-9a-f]{16})");
    private static final int CODE_WIDTH = 18;

    private final SandboxPortfolio portfolio;
    private final Clock clock;
    private final FaultPlan faults = new FaultPlan();
    private final JsonMapper json = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    private final Instant accountsModified;
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Map<Long, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Instant> accountChanges = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> injected = new ConcurrentHashMap<>();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger refusedRefreshes = new AtomicInteger();
    private final AtomicInteger apiRequests = new AtomicInteger();
    private final AtomicInteger tooManyRequests = new AtomicInteger();
    /** Generation of the refresh token that is valid now; -1 until the first refresh since start. */
    private long chain = -1;
    private Instant chainAccessExpiry = Instant.EPOCH;

    public ExactOnlineSimulator(SandboxPortfolio portfolio, Clock clock) {
        this.portfolio = portfolio;
        this.clock = clock;
        this.accountsModified = clock.instant().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(30));
    }

    @Override
    public String pathPrefix() {
        return "/exact";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    /** The refresh token a person got when authorising the sandbox app: the start of the chain. */
    public static String initialRefreshToken() {
        return refreshToken(0);
    }

    /** The refresh token that the next refresh must present (after at least one refresh since start). */
    public synchronized String currentRefreshToken() {
        return refreshToken(Math.max(chain, 0));
    }

    /** Refreshes answered with new tokens. */
    public int refreshes() {
        return refreshes.get();
    }

    /** Refreshes refused (spent or unknown refresh token, bad client, too early). */
    public int refusedRefreshes() {
        return refusedRefreshes.get();
    }

    /** API calls that reached the simulator, 401 and 429 included (injected faults not). */
    public int apiRequests() {
        return apiRequests.get();
    }

    public int tooManyRequests() {
        return tooManyRequests.get();
    }

    /** Invalidates every access token issued so far, as a revocation in Exact would. */
    public synchronized void revokeAccessTokens() {
        accessTokens.clear();
        chainAccessExpiry = Instant.EPOCH;
    }

    /** Another application of the same division spends {@code calls} of the current minute's budget. */
    public void spendMinuteBudget(long division, int calls) {
        window(division).spend(clock.instant(), calls);
    }

    /** A customer edited in Exact at {@code at}: its Modified moves. */
    public void touchAccount(String number, Instant at) {
        accountChanges.put(number, at);
    }

    /** Appends this text verbatim after the last receivable of the division (malformed on purpose). */
    public void injectReceivable(long division, String rawJson) {
        injected.computeIfAbsent(division, d -> new CopyOnWriteArrayList<>()).add(rawJson);
    }

    /** The division that keeps a customer's books: Benelux for Belgian and Dutch customers, else France. */
    public static long divisionOf(SandboxPortfolio.Company company) {
        return company.country().equals("FR") ? FRANCE : BENELUX;
    }

    /** Exact's customer code, space-padded on the left to 18 characters as Exact stores it. */
    public static String accountCode(SandboxPortfolio.Company company) {
        return " ".repeat(Math.max(0, CODE_WIDTH - company.number().length())) + company.number();
    }

    /** The receivables of a division as the simulator lists them: open invoices, then credit notes. */
    public List<SandboxPortfolio.Invoice> openInvoices(long division) {
        return portfolio.invoices().stream().filter(i -> i.remainingAmount().signum() > 0)
                .filter(i -> divisionOf(i.customer()) == division).toList();
    }

    /** Companies of the division that have a credit note open. */
    public List<SandboxPortfolio.Company> creditNoteHolders(long division) {
        List<SandboxPortfolio.Company> customers = customers(division);
        List<SandboxPortfolio.Company> holders = new ArrayList<>();
        for (int i = 0; i < customers.size(); i += CREDIT_NOTE_EVERY) {
            holders.add(customers.get(i));
        }
        return holders;
    }

    public List<SandboxPortfolio.Company> customers(long division) {
        return portfolio.companies().stream().filter(c -> divisionOf(c) == division).toList();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher api = API_PATH.matcher(path);
        if (path.equals("/exact/api/oauth2/token") && exchange.getRequestMethod().equals("POST")) {
            token(exchange);
        } else if (api.matches() && exchange.getRequestMethod().equals("GET")) {
            resource(exchange, Long.parseLong(api.group(1)), api.group(2));
        } else {
            exactError(exchange, 404, "Not found: " + path);
        }
    }

    private synchronized void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Instant now = clock.instant();
        if (!"refresh_token".equals(form.get("grant_type"))) {
            oauthError(exchange, 400, "unsupported_grant_type", "The grant type is not supported by the sandbox.");
            return;
        }
        if (!CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            oauthError(exchange, 401, "invalid_client", "Client authentication failed.");
            return;
        }
        Matcher presented = REFRESH_TOKEN.matcher(form.getOrDefault("refresh_token", ""));
        long generation = presented.matches() ? Long.parseLong(presented.group(1)) : -1;
        if (generation < 0 || !refreshToken(generation).equals(presented.group()) || chain >= 0 && generation != chain) {
            oauthError(exchange, 400, "invalid_grant", "The refresh token is invalid, expired or was used before.");
            return;
        }
        if (now.isBefore(chainAccessExpiry.minus(REFRESH_ALLOWED_WITHIN))) {
            oauthError(exchange, 400, "access_denied", "Rate limit exceeded: access_token not expired");
            return;
        }
        chain = generation + 1;
        chainAccessExpiry = now.plus(ACCESS_TOKEN_LIFETIME);
        String accessToken = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        accessTokens.put(accessToken, chainAccessExpiry);
        refreshes.incrementAndGet();
        ObjectNode body = json.createObjectNode()
                .put("access_token", accessToken)
                .put("token_type", "bearer")
                // Exact writes the lifetime as a string
                .put("expires_in", String.valueOf(ACCESS_TOKEN_LIFETIME.toSeconds()))
                .put("refresh_token", refreshToken(chain));
        send(exchange, 200, json.writeValueAsBytes(body));
    }

    private void resource(HttpExchange exchange, long division, String resource) throws IOException {
        apiRequests.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Instant expiry = authorization != null && authorization.startsWith("Bearer ")
                ? accessTokens.get(authorization.substring(7)) : null;
        Instant now = clock.instant();
        if (expiry == null || !now.isBefore(expiry)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            exactError(exchange, 401, "Access denied");
            return;
        }
        if (division != BENELUX && division != FRANCE) {
            exactError(exchange, 403, "Forbidden: no access to division " + division);
            return;
        }
        if (!window(division).take(now, exchange)) {
            tooManyRequests.incrementAndGet();
            exactError(exchange, 429, "Too many requests");
            return;
        }
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        boolean accounts = resource.equals("crm/Accounts");
        LocalDateTime modifiedSince = null;
        if (accounts) {
            Matcher filter = ACCOUNT_FILTER.matcher(query.getOrDefault("$filter", "").trim());
            if (!filter.matches()) {
                exactError(exchange, 400, "The sandbox supports $filter=Status eq 'C' [and Modified ge datetime'…'] only");
                return;
            }
            try {
                modifiedSince = filter.group(1) == null ? null : LocalDateTime.parse(filter.group(1));
            } catch (DateTimeParseException e) {
                exactError(exchange, 400, "Invalid datetime literal: " + filter.group(1));
                return;
            }
        }
        List<String> select = query.containsKey("$select") ? List.of(query.get("$select").split(",")) : null;
        List<Row> rows = accounts ? accountRows(division, modifiedSince) : receivableRows(division);
        String after = query.getOrDefault("$skiptoken", "");
        List<Row> remaining = rows.stream().filter(r -> r.key().compareTo(after) > 0).toList();
        List<Row> page = remaining.subList(0, Math.min(PAGE_SIZE, remaining.size()));
        boolean more = remaining.size() > page.size();

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("{\"d\":{\"results\":[".getBytes(StandardCharsets.UTF_8));
        String base = "http://" + exchange.getRequestHeaders().getFirst("Host") + "/exact/api/v1/" + division + "/" + resource;
        List<String> values = new ArrayList<>();
        for (Row row : page) {
            values.add(json.writeValueAsString(selected(row.body().get(), select, base, row.key(), accounts)));
        }
        if (!more && !accounts) {
            values.addAll(injected.getOrDefault(division, List.of()));
        }
        body.write(String.join(",", values).getBytes(StandardCharsets.UTF_8));
        body.write(']');
        if (more) {
            StringBuilder next = new StringBuilder(base).append('?');
            query.forEach((name, value) -> {
                if (!name.equals("$skiptoken")) {
                    next.append(encode(name)).append('=').append(encode(value)).append('&');
                }
            });
            next.append("$skiptoken=").append(encode(page.get(page.size() - 1).key()));
            body.write((",\"__next\":" + json.writeValueAsString(next.toString())).getBytes(StandardCharsets.UTF_8));
        }
        body.write("}}".getBytes(StandardCharsets.UTF_8));
        send(exchange, 200, body.toByteArray());
    }

    private ObjectNode selected(ObjectNode full, List<String> select, String base, String key, boolean accounts) {
        ObjectNode node = json.createObjectNode();
        node.putObject("__metadata").put("uri", base + "(" + (accounts ? "guid'" + key + "'" : key) + ")")
                .put("type", accounts ? "Exact.Web.Api.Models.Account" : "Exact.Web.Api.Models.ReceivablesListItem");
        if (select == null) {
            node.setAll(full);
        } else {
            select.forEach(field -> node.set(field.trim(), full.get(field.trim())));
        }
        return node;
    }

    private List<Row> accountRows(long division, LocalDateTime modifiedSince) {
        List<Row> rows = new ArrayList<>();
        List<SandboxPortfolio.Company> companies = portfolio.companies();
        for (int i = 0; i < companies.size(); i++) {
            SandboxPortfolio.Company company = companies.get(i);
            Instant modified = accountChanges.getOrDefault(company.number(), accountsModified.plus(Duration.ofMinutes(i)));
            if (divisionOf(company) != division
                    || modifiedSince != null && LocalDateTime.ofInstant(modified, ZoneOffset.UTC).isBefore(modifiedSince)) {
                continue;
            }
            int index = i;
            rows.add(new Row(company.id(), () -> account(company, index, modified)));
        }
        rows.sort(Comparator.comparing(Row::key));
        return rows;
    }

    private ObjectNode account(SandboxPortfolio.Company company, int index, Instant modified) {
        // Every seventh customer was entered without a VAT number.
        String vat = index % 7 == 3 ? null : company.vat();
        String chamberOfCommerce = switch (company.country()) {
            case "NL" -> company.regNo().substring(0, 8);
            default -> company.regNo();
        };
        return json.createObjectNode()
                .put("ID", company.id())
                .put("Code", accountCode(company))
                .put("Name", company.name())
                .put("VATNumber", vat)
                .put("ChamberOfCommerce", chamberOfCommerce)
                .put("Country", company.country())
                .put("AddressLine1", "Marktplein " + (index + 1))
                .put("Postcode", String.format(Locale.ROOT, "%04d", 1000 + index * 37 % 8000))
                .put("City", company.country().equals("FR") ? "Lille" : company.country().equals("BE") ? "Gent" : "Utrecht")
                .put("Email", "debiteuren@" + company.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".example")
                .put("Phone", String.format(Locale.ROOT, "+%d %09d", company.country().equals("FR") ? 33 : 31, 200_000_000 + index))
                .put("CreditLineSales", company.internalLimit())
                .put("Blocked", index % 17 == 5)
                .put("IsSales", true)
                .put("Status", "C")
                .put("Modified", exactDate(modified.toEpochMilli()));
    }

    private List<Row> receivableRows(long division) {
        List<Row> rows = new ArrayList<>();
        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        for (int n = 0; n < invoices.size(); n++) {
            SandboxPortfolio.Invoice invoice = invoices.get(n);
            if (invoice.remainingAmount().signum() > 0 && divisionOf(invoice.customer()) == division) {
                long hid = 1_000_000L + n;
                int entry = n;
                rows.add(new Row(key(hid), () -> receivable(hid, invoice.customer(), 26_100_000 + entry,
                        Integer.parseInt(invoice.number().replaceAll("\\D", "")), invoice.invoiceDate(), invoice.dueDate(),
                        invoice.remainingAmount(), invoice.currency(), "PO-" + invoice.number())));
            }
        }
        List<SandboxPortfolio.Company> holders = creditNoteHolders(division);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (int c = 0; c < holders.size(); c++) {
            long hid = 9_000_000L + division % 1000 * 1000 + c;
            SandboxPortfolio.Company holder = holders.get(c);
            int number = 900_000 + (int) (division % 1000) * 1000 + c;
            rows.add(new Row(key(hid), () -> receivable(hid, holder, 26_900_000 + number % 100_000, number,
                    today.minusDays(12), today.minusDays(12), CREDIT_NOTE_AMOUNT, "EUR", "")));
        }
        rows.sort(Comparator.comparing(Row::key));
        return rows;
    }

    private ObjectNode receivable(long hid, SandboxPortfolio.Company customer, int entryNumber, int invoiceNumber,
                                  LocalDate invoiceDate, LocalDate dueDate, BigDecimal amount, String currency,
                                  String yourRef) {
        return json.createObjectNode()
                .put("HID", hid)
                .put("AccountId", customer.id())
                .put("AccountCode", accountCode(customer))
                .put("AccountName", customer.name())
                .put("Amount", amount)
                .put("CurrencyCode", currency)
                .put("Description", (amount.signum() < 0 ? "Credit note " : "Invoice ") + invoiceNumber)
                .put("DueDate", exactDate(dueDate))
                .put("EntryNumber", entryNumber)
                .put("InvoiceDate", exactDate(invoiceDate))
                .put("InvoiceNumber", invoiceNumber)
                .put("JournalCode", "70")
                .put("YourRef", yourRef);
    }

    /** Keys sort as text: fixed width keeps that the numeric order. */
    private static String key(long hid) {
        return String.format(Locale.ROOT, "%012d", hid);
    }

    public static String exactDate(LocalDate date) {
        return exactDate(date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    }

    private static String exactDate(long epochMillis) {
        return "/Date(" + epochMillis + ")/";
    }

    private static String refreshToken(long generation) {
        return "sandbox-rt-" + generation + "-" + Hashes.shortSha256("exact-sandbox-refresh/" + generation);
    }

    private Window window(long division) {
        return windows.computeIfAbsent(division, d -> new Window());
    }

    /** One division's calls in the current clock minute, and today's. */
    private final class Window {
        private Instant minute = Instant.MIN;
        private int usedThisMinute;
        private LocalDate day;
        private int usedToday;

        synchronized void spend(Instant now, int calls) {
            roll(now);
            usedThisMinute += calls;
            usedToday += calls;
        }

        /** Counts a call if the minute allows it, and writes the rate-limit headers either way. */
        synchronized boolean take(Instant now, HttpExchange exchange) {
            roll(now);
            boolean allowed = usedThisMinute < CALLS_PER_MINUTE;
            if (allowed) {
                usedThisMinute++;
                usedToday++;
                var headers = exchange.getResponseHeaders();
                headers.add("X-RateLimit-Limit", String.valueOf(CALLS_PER_DAY));
                headers.add("X-RateLimit-Remaining", String.valueOf(Math.max(0, CALLS_PER_DAY - usedToday)));
                headers.add("X-RateLimit-Reset", String.valueOf(day.plusDays(1).atStartOfDay(ZoneOffset.UTC)
                        .toInstant().toEpochMilli()));
            }
            // on a 429 for the minute, Exact sends only the minutely trio
            var headers = exchange.getResponseHeaders();
            headers.add("X-RateLimit-Minutely-Limit", String.valueOf(CALLS_PER_MINUTE));
            headers.add("X-RateLimit-Minutely-Remaining", String.valueOf(Math.max(0, CALLS_PER_MINUTE - usedThisMinute)));
            headers.add("X-RateLimit-Minutely-Reset", String.valueOf(minute.plus(Duration.ofMinutes(1)).toEpochMilli()));
            return allowed;
        }

        private void roll(Instant now) {
            Instant current = now.truncatedTo(ChronoUnit.MINUTES);
            if (!current.equals(minute)) {
                minute = current;
                usedThisMinute = 0;
            }
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            if (!today.equals(day)) {
                day = today;
                usedToday = 0;
            }
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> parse(String formOrQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (formOrQuery == null || formOrQuery.isEmpty()) {
            return values;
        }
        for (String pair : formOrQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Exact's error envelope: {"error":{"code":"","message":{"lang":"","value":"…"}}}. */
    private void exactError(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("code", "").putObject("message").put("lang", "").put("value", message);
        send(exchange, status, json.writeValueAsBytes(body));
    }

    private void oauthError(HttpExchange exchange, int status, String error, String description) throws IOException {
        refusedRefreshes.incrementAndGet();
        ObjectNode body = json.createObjectNode().put("error", error).put("error_description", description);
        send(exchange, status, json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().add("Cache-Control", "private");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** A record of a collection, by its paging key; its JSON is rendered only if it is on the page served. */
    private record Row(String key, Supplier<ObjectNode> body) {
    }
}
