package com.encours.hub.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Plays Microsoft Dynamics 365 Business Central API v2.0 for the sandbox company: the Entra ID client
 * credentials token endpoint, and the {@code customers} and {@code salesInvoices} collections with
 * server-driven paging ({@code Prefer: odata.maxpagesize}, {@code @odata.nextLink} with a skip token) and
 * {@code $filter=lastModifiedDateTime gt ...}; a customer read by {@code $filter=number eq '...'} and written
 * by {@code PATCH customers({id})} with {@code If-Match} (creditLimit, blocked). Data comes from the
 * {@link SandboxPortfolio}, plus a few draft invoices, which a real company always has and which are not
 * receivables.
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class BusinessCentralSimulator implements SandboxSimulator {

    public static final String TENANT = "sandbox-tenant";
    public static final String ENVIRONMENT = "production";
    public static final String COMPANY_ID = "5a0f4c3e-1d2b-4c5d-8e9f-000000000001";
    public static final String CLIENT_ID = "encours-hub-sandbox";
    public static final String CLIENT_SECRET = "sandbox-client-secret";
    public static final String SCOPE = "https://api.businesscentral.dynamics.com/.default";
    public static final int DRAFT_INVOICES = 5;

    private static final String TOKEN_PATH = "/bc/oauth2/v2.0/token";
    private static final Pattern API_PATH =
            Pattern.compile("/bc/v2\\.0/([^/]+)/([^/]+)/api/v2\\.0/companies\\(([^)]+)\\)/(customers|salesInvoices)");
    private static final Pattern MAX_PAGE_SIZE = Pattern.compile("odata\\.maxpagesize=(\\d{1,9})");
    private static final Pattern CUSTOMER_PATH =
            Pattern.compile("/bc/v2\\.0/([^/]+)/([^/]+)/api/v2\\.0/companies\\(([^)]+)\\)/customers\\(([^)]+)\\)");
    private static final Pattern MODIFIED_AFTER = Pattern.compile("lastModifiedDateTime gt (\\S+)");
    private static final Pattern NUMBER_EQUALS = Pattern.compile("number eq '((?:[^']|'')*)'");
    private static final Set<String> BLOCKED_VALUES = Set.of(" ", "", "Ship", "Invoice", "All");
    /** Business Central online never sends more than this many entities per page. */
    private static final int SERVER_MAX_PAGE_SIZE = 20_000;
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3599);
    private static final String NO_GUID = "00000000-0000-0000-0000-000000000000";
    private static final String PAYMENT_TERMS_30_DAYS = "3bb5b4b6-ea4c-43ca-ba1c-3b69e29a6668";
    private static final BigDecimal VAT_RATE = new BigDecimal("1.21");
    private static final Map<String, String[][]> PLACES = Map.of(
            "BE", new String[][]{{"Gent", "9000"}, {"Antwerpen", "2000"}, {"Brussel", "1000"}, {"Liège", "4000"}},
            "FR", new String[][]{{"Lille", "59000"}, {"Lyon", "69002"}, {"Nantes", "44000"}, {"Paris", "75008"}},
            "NL", new String[][]{{"Utrecht", "3511 AB"}, {"Rotterdam", "3011 AD"}, {"Eindhoven", "5611 AZ"},
                    {"Amsterdam", "1012 JS"}});

    private final SandboxPortfolio portfolio;
    private final FaultPlan faults = new FaultPlan();
    // Business Central writes decimals plainly and without trailing zeros (1250, 1512.5).
    private final JsonMapper json = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private final Map<String, Instant> issuedTokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger apiRequests = new AtomicInteger();
    private final List<byte[]> injectedInvoices = new CopyOnWriteArrayList<>();
    private final RawReply.Plan rawReplies = new RawReply.Plan();
    private final Instant customersModified;
    private final List<SandboxPortfolio.Invoice> drafts;
    /** What the hub (or a user, {@link #changeAfterNextRead}) changed on a customer, by number. */
    private final Map<String, CustomerEdit> edits = new ConcurrentHashMap<>();
    private final Set<String> changeAfterNextRead = ConcurrentHashMap.newKeySet();
    private final AtomicInteger customerWrites = new AtomicInteger();
    /** Position of each company in the portfolio, by number: its address and phone derive from it. */
    private final Map<String, Integer> companyIndex = new HashMap<>();

    public BusinessCentralSimulator(SandboxPortfolio portfolio) {
        this.portfolio = portfolio;
        for (int i = 0; i < portfolio.companies().size(); i++) {
            companyIndex.put(portfolio.companies().get(i).number(), i);
        }
        this.customersModified = portfolio.invoices().stream().map(SandboxPortfolio.Invoice::lastModified)
                .min(Comparator.naturalOrder()).orElseThrow().minus(Duration.ofDays(1));
        this.drafts = drafts(portfolio);
    }

    /** Drafts: not yet posted, so owed by nobody; numbered from the draft series, the latest work of the day. */
    private static List<SandboxPortfolio.Invoice> drafts(SandboxPortfolio portfolio) {
        List<SandboxPortfolio.Invoice> posted = portfolio.invoices();
        LocalDate latest = posted.stream().map(SandboxPortfolio.Invoice::invoiceDate).max(Comparator.naturalOrder()).orElseThrow();
        Instant lastModified = posted.stream().map(SandboxPortfolio.Invoice::lastModified).max(Comparator.naturalOrder()).orElseThrow();
        List<SandboxPortfolio.Invoice> drafts = new ArrayList<>();
        for (int d = 0; d < DRAFT_INVOICES; d++) {
            BigDecimal total = new BigDecimal(1210 * (d + 1)).setScale(2, RoundingMode.UNNECESSARY);
            drafts.add(new SandboxPortfolio.Invoice(
                    UUID.nameUUIDFromBytes(("draft-" + d).getBytes(StandardCharsets.UTF_8)).toString(), "D-" + (1001 + d),
                    portfolio.companies().get(d), latest, latest.plusDays(30), "EUR", total, total,
                    lastModified.plus(Duration.ofMinutes(d + 1))));
        }
        return List.copyOf(drafts);
    }

    @Override
    public String pathPrefix() {
        return "/bc";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    /** Token requests that reached the simulator (injected faults not included). */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** API requests that reached the simulator, rejected ones included (injected faults not included). */
    public int apiRequests() {
        return apiRequests.get();
    }

    /** Appends this text verbatim as the last element of the last salesInvoices page (malformed on purpose). */
    public void injectRecord(String rawJson) {
        injectedInvoices.add(rawJson.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends these bytes verbatim as the last element of the last salesInvoices page (not UTF-8, if you like). */
    public void injectRecord(byte[] raw) {
        injectedInvoices.add(raw.clone());
    }

    public void clearInjectedRecords() {
        injectedInvoices.clear();
    }

    /** Replies planned for requests whose path and query contain a fragment (e.g. a whole salesInvoices page). */
    public RawReply.Plan rawReplies() {
        return rawReplies;
    }

    /** Invalidates every token issued so far, as a revoked secret or a key rollover would. */
    public void revokeTokens() {
        issuedTokens.clear();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (rawReplies.apply(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        Matcher api = API_PATH.matcher(path);
        Matcher customer = CUSTOMER_PATH.matcher(path);
        if (path.equals(TOKEN_PATH) && exchange.getRequestMethod().equals("POST")) {
            token(exchange);
        } else if (api.matches() && exchange.getRequestMethod().equals("GET")) {
            collection(exchange, api.group(1), api.group(2), api.group(3), api.group(4));
        } else if (customer.matches() && exchange.getRequestMethod().equals("PATCH")) {
            patchCustomer(exchange, customer.group(1), customer.group(2), customer.group(3), customer.group(4));
        } else {
            odataError(exchange, 404, "BadRequest_NotFound", "No HTTP resource was found that matches the request URI.");
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"client_credentials".equals(form.get("grant_type"))) {
            aadError(exchange, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        } else if (!CLIENT_ID.equals(form.get("client_id"))) {
            aadError(exchange, 400, "unauthorized_client", 700016,
                    "Application with identifier '" + form.get("client_id") + "' was not found in the directory.");
        } else if (!CLIENT_SECRET.equals(form.get("client_secret"))) {
            aadError(exchange, 401, "invalid_client", 7000215, "Invalid client secret provided.");
        } else if (!SCOPE.equals(form.get("scope"))) {
            aadError(exchange, 400, "invalid_scope", 1002012, "The provided value for scope is not valid.");
        } else {
            String accessToken = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
            issuedTokens.put(accessToken, Instant.now().plus(TOKEN_LIFETIME));
            ObjectNode body = json.createObjectNode().put("token_type", "Bearer")
                    .put("expires_in", TOKEN_LIFETIME.toSeconds()).put("ext_expires_in", TOKEN_LIFETIME.toSeconds())
                    .put("access_token", accessToken);
            send(exchange, 200, json.writeValueAsString(body), "application/json; charset=utf-8");
        }
    }

    private void collection(HttpExchange exchange, String tenant, String environment, String company, String entitySet)
            throws IOException {
        if (!admitted(exchange, tenant, environment, company)) {
            return;
        }
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        Matcher byNumber = NUMBER_EQUALS.matcher(query.getOrDefault("$filter", "").trim());
        if (entitySet.equals("customers") && byNumber.matches()) {
            customerByNumber(exchange, byNumber.group(1).replace("''", "'"));
            return;
        }
        Instant modifiedAfter = null;
        if (query.containsKey("$filter")) {
            Matcher filter = MODIFIED_AFTER.matcher(query.get("$filter").trim());
            try {
                modifiedAfter = filter.matches() ? Instant.parse(filter.group(1)) : null;
            } catch (DateTimeParseException e) {
                modifiedAfter = null;
            }
            if (modifiedAfter == null) {
                odataError(exchange, 400, "BadRequest", "The sandbox supports only $filter=lastModifiedDateTime gt "
                        + "<datetime>, and number eq '<number>' on customers.");
                return;
            }
        }
        String prefer = exchange.getRequestHeaders().getFirst("Prefer");
        Matcher preferred = MAX_PAGE_SIZE.matcher(prefer == null ? "" : prefer);
        boolean pageSizePreferred = preferred.find();
        int pageSize = pageSizePreferred
                ? Math.max(1, Math.min(SERVER_MAX_PAGE_SIZE, Integer.parseInt(preferred.group(1))))
                : SERVER_MAX_PAGE_SIZE;
        String after = query.containsKey("$skiptoken")
                ? new String(Base64.getUrlDecoder().decode(query.get("$skiptoken")), StandardCharsets.UTF_8) : "";

        Instant since = modifiedAfter;
        List<Entity> filtered = (entitySet.equals("customers") ? customers() : salesInvoices()).stream()
                .filter(e -> since == null || e.lastModified().isAfter(since))
                .toList();
        List<Entity> matching = filtered.stream()
                .filter(e -> e.number().compareTo(after) > 0)
                .sorted(Comparator.comparing(Entity::number))
                .toList();
        List<Entity> page = matching.subList(0, Math.min(pageSize, matching.size()));
        boolean more = matching.size() > page.size();

        String base = "http://" + exchange.getRequestHeaders().getFirst("Host") + "/bc/v2.0/" + tenant + "/" + environment;
        List<byte[]> values = new ArrayList<>();
        for (Entity entity : page) {
            values.add(json.writeValueAsBytes(entity.body().get()));
        }
        if (!more && entitySet.equals("salesInvoices")) {
            values.addAll(injectedInvoices);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("{\"@odata.context\":" + quoted(base + "/api/v2.0/$metadata#companies(" + company + ")/"
                + entitySet)).getBytes(StandardCharsets.UTF_8));
        if ("true".equals(query.get("$count"))) {
            // the whole filtered collection, as OData counts it, on every page asked with $count
            body.write((",\"@odata.count\":" + filtered.size()).getBytes(StandardCharsets.UTF_8));
        }
        body.write(",\"value\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.write(values.get(i));
        }
        body.write(']');
        if (more) {
            String skipToken = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(page.get(page.size() - 1).number().getBytes(StandardCharsets.UTF_8));
            String filter = since == null ? "" : "$filter=" + encode(query.get("$filter")) + "&";
            body.write((",\"@odata.nextLink\":" + quoted(base + "/api/v2.0/companies(" + company + ")/"
                    + entitySet + "?" + filter + "$skiptoken=" + skipToken)).getBytes(StandardCharsets.UTF_8));
        }
        body.write('}');
        if (pageSizePreferred) {
            exchange.getResponseHeaders().add("Preference-Applied", "odata.maxpagesize=" + pageSize);
        }
        exchange.getResponseHeaders().add("OData-Version", "4.0");
        send(exchange, 200, body.toByteArray(), "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8");
    }

    /** Counts the request and checks its token, tenant, environment and company; answers the error if one is wrong. */
    private boolean admitted(HttpExchange exchange, String tenant, String environment, String company) throws IOException {
        apiRequests.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        Instant expiry = issuedTokens.get(token);
        if (expiry == null || expiry.isBefore(Instant.now())) {
            exchange.getResponseHeaders().add("WWW-Authenticate",
                    "Bearer authorization_uri=\"https://login.microsoftonline.com/" + TENANT + "/oauth2/authorize\"");
            odataError(exchange, 401, "Authentication_InvalidCredentials",
                    "The server has rejected the client credentials.");
            return false;
        }
        if (!TENANT.equals(tenant) || !ENVIRONMENT.equals(environment)) {
            odataError(exchange, 404, "NoEnvironment", "Environment '" + environment + "' does not exist for this tenant.");
            return false;
        }
        if (!COMPANY_ID.equals(company)) {
            odataError(exchange, 404, "BadRequest_NotFound", "The company '" + company + "' does not exist.");
            return false;
        }
        return true;
    }

    /** Customers written through the API (PATCH answered 200). */
    public int customerWrites() {
        return customerWrites.get();
    }

    /** The customer's credit limit as Business Central holds it now. */
    public BigDecimal creditLimitOf(String customerNumber) {
        CustomerEdit edit = edits.get(customerNumber);
        return edit != null ? edit.creditLimit() : company(customerNumber).internalLimit();
    }

    /** The customer's blocked field now: blank, Ship, Invoice or All. */
    public String blockedOf(String customerNumber) {
        CustomerEdit edit = edits.get(customerNumber);
        return edit != null ? edit.blocked() : " ";
    }

    /** A user sets the customer's credit limit in Business Central. */
    public void userSetsCreditLimit(String customerNumber, BigDecimal creditLimit) {
        edits.put(customerNumber, new CustomerEdit(creditLimit, blockedOf(customerNumber), Instant.now()));
    }

    /** A user edits the customer right after the next read of it, as if between the hub's read and its write. */
    public void changeAfterNextRead(String customerNumber) {
        changeAfterNextRead.add(customerNumber);
    }

    private record CustomerEdit(BigDecimal creditLimit, String blocked, Instant modified) {
    }

    private SandboxPortfolio.Company company(String customerNumber) {
        return portfolio.companies().stream().filter(c -> c.number().equals(customerNumber)).findFirst().orElse(null);
    }

    private ObjectNode customerNow(SandboxPortfolio.Company company) {
        int index = companyIndex.get(company.number());
        CustomerEdit edit = edits.get(company.number());
        BigDecimal balanceDue = portfolio.invoices().stream().filter(i -> i.customer().equals(company))
                .map(SandboxPortfolio.Invoice::remainingAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return customer(company, index, balanceDue, edit != null ? edit.modified() : customersModified.plus(Duration.ofMinutes(index)));
    }

    private void customerByNumber(HttpExchange exchange, String number) throws IOException {
        SandboxPortfolio.Company company = company(number);
        ArrayNode value = json.createArrayNode();
        if (company != null) {
            value.add(customerNow(company));
            if (changeAfterNextRead.remove(number)) {
                userSetsCreditLimit(number, creditLimitOf(number));
            }
        }
        ObjectNode body = json.createObjectNode().put("@odata.context", "$metadata#companies(" + COMPANY_ID + ")/customers");
        body.set("value", value);
        exchange.getResponseHeaders().add("OData-Version", "4.0");
        send(exchange, 200, json.writeValueAsString(body), "application/json; odata.metadata=minimal; charset=utf-8");
    }

    /**
     * PATCH customers({id}) as Business Central takes it: If-Match is required (400 BadRequest_InvalidToken
     * without it), an etag the customer no longer has is 409 Request_EntityChanged, only the fields given change,
     * and the answer is the customer as it is now, with its new etag.
     */
    private void patchCustomer(HttpExchange exchange, String tenant, String environment, String company, String id)
            throws IOException {
        if (!admitted(exchange, tenant, environment, company)) {
            return;
        }
        SandboxPortfolio.Company customer = portfolio.companies().stream().filter(c -> c.id().equals(id))
                .findFirst().orElse(null);
        if (customer == null) {
            odataError(exchange, 404, "BadRequest_NotFound", "The Customer does not exist. Identification fields and "
                    + "values: Id='" + id + "'");
            return;
        }
        String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
        if (ifMatch == null || ifMatch.isBlank()) {
            odataError(exchange, 400, "BadRequest_InvalidToken", "Could not validate the client concurrency token "
                    + "required by the service. Please provide a valid token in the client request.");
            return;
        }
        ObjectNode current = customerNow(customer);
        if (!ifMatch.equals("*") && !ifMatch.equals(current.get("@odata.etag").asText())) {
            odataError(exchange, 409, "Request_EntityChanged", "Another user has already changed the record.");
            return;
        }
        JsonNode patch = json.readTree(exchange.getRequestBody().readAllBytes());
        BigDecimal creditLimit = creditLimitOf(customer.number());
        String blocked = blockedOf(customer.number());
        if (patch.has("creditLimit")) {
            if (!patch.get("creditLimit").isNumber() || patch.get("creditLimit").decimalValue().signum() < 0) {
                odataError(exchange, 400, "BadRequest", "Invalid creditLimit: " + patch.get("creditLimit"));
                return;
            }
            creditLimit = patch.get("creditLimit").decimalValue();
        }
        if (patch.has("blocked")) {
            if (!BLOCKED_VALUES.contains(patch.get("blocked").asText())) {
                odataError(exchange, 400, "BadRequest", "Invalid blocked value: " + patch.get("blocked"));
                return;
            }
            blocked = patch.get("blocked").asText();
        }
        edits.put(customer.number(), new CustomerEdit(creditLimit, blocked, Instant.now()));
        customerWrites.incrementAndGet();
        send(exchange, 200, json.writeValueAsString(customerNow(customer)), "application/json; odata.metadata=minimal; charset=utf-8");
    }

    private List<Entity> customers() {
        Map<String, BigDecimal> balances = new HashMap<>();
        portfolio.invoices().forEach(invoice -> balances.merge(invoice.customer().number(), invoice.remainingAmount(),
                BigDecimal::add));
        List<Entity> customers = new ArrayList<>();
        List<SandboxPortfolio.Company> companies = portfolio.companies();
        for (int i = 0; i < companies.size(); i++) {
            SandboxPortfolio.Company company = companies.get(i);
            BigDecimal balanceDue = balances.getOrDefault(company.number(), BigDecimal.ZERO);
            CustomerEdit edit = edits.get(company.number());
            Instant modified = edit != null ? edit.modified() : customersModified.plus(Duration.ofMinutes(i));
            int index = i;
            customers.add(new Entity(company.number(), modified, () -> customer(company, index, balanceDue, modified)));
        }
        return customers;
    }

    private ObjectNode customer(SandboxPortfolio.Company company, int i, BigDecimal balanceDue, Instant modified) {
        String[] place = place(company, i);
        return json.createObjectNode()
                .put("@odata.etag", etag(modified))
                .put("id", company.id())
                .put("number", company.number())
                .put("displayName", company.name())
                .put("type", "Company")
                .put("addressLine1", street(company, i))
                .put("addressLine2", "")
                .put("city", place[0])
                .put("state", "")
                .put("country", company.country())
                .put("postalCode", place[1])
                .put("phoneNumber", phone(company, i))
                .put("email", "accounts@" + company.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".example")
                .put("website", "")
                .put("salespersonCode", "")
                .put("balanceDue", decimal(balanceDue))
                .put("creditLimit", decimal(creditLimitOf(company.number())))
                .put("taxLiable", true)
                .put("taxAreaId", NO_GUID)
                .put("taxAreaDisplayName", "")
                .put("taxRegistrationNumber", company.vat())
                .put("currencyId", NO_GUID)
                .put("currencyCode", "EUR")
                .put("paymentTermsId", PAYMENT_TERMS_30_DAYS)
                .put("shipmentMethodId", NO_GUID)
                .put("paymentMethodId", NO_GUID)
                .put("blocked", blockedOf(company.number()))
                .put("lastModifiedDateTime", modified.toString());
    }

    private List<Entity> salesInvoices() {
        List<Entity> invoices = new ArrayList<>();
        for (SandboxPortfolio.Invoice invoice : portfolio.invoices()) {
            invoices.add(invoice(invoice, invoice.remainingAmount().signum() == 0 ? "Paid" : "Open"));
        }
        for (SandboxPortfolio.Invoice draft : drafts) {
            invoices.add(invoice(draft, "Draft"));
        }
        return invoices;
    }

    private Entity invoice(SandboxPortfolio.Invoice invoice, String status) {
        return new Entity(invoice.number(), invoice.lastModified(), () -> invoiceJson(invoice, status));
    }

    private ObjectNode invoiceJson(SandboxPortfolio.Invoice invoice, String status) {
        SandboxPortfolio.Company customer = invoice.customer();
        int index = companyIndex.get(customer.number());
        String[] place = place(customer, index);
        BigDecimal excludingTax = invoice.totalAmount().divide(VAT_RATE, 2, RoundingMode.HALF_UP);
        ObjectNode node = json.createObjectNode()
                .put("@odata.etag", etag(invoice.lastModified()))
                .put("id", invoice.id())
                .put("number", invoice.number())
                .put("externalDocumentNumber", "")
                .put("invoiceDate", invoice.invoiceDate().toString())
                .put("postingDate", invoice.invoiceDate().toString())
                .put("dueDate", invoice.dueDate().toString())
                .put("customerPurchaseOrderReference", "")
                .put("customerId", customer.id())
                .put("customerNumber", customer.number())
                .put("customerName", customer.name())
                .put("billToName", customer.name())
                .put("billToCustomerId", customer.id())
                .put("billToCustomerNumber", customer.number())
                .put("shipToName", customer.name())
                .put("shipToContact", "");
        for (String party : List.of("sellTo", "billTo", "shipTo")) {
            node.put(party + "AddressLine1", street(customer, index)).put(party + "AddressLine2", "")
                    .put(party + "City", place[0]).put(party + "Country", customer.country())
                    .put(party + "State", "").put(party + "PostCode", place[1]);
        }
        node.put("currencyId", NO_GUID)
                .put("shortcutDimension1Code", "")
                .put("shortcutDimension2Code", "")
                .put("currencyCode", invoice.currency())
                .put("orderId", NO_GUID)
                .put("orderNumber", "")
                .put("paymentTermsId", PAYMENT_TERMS_30_DAYS)
                .put("shipmentMethodId", NO_GUID)
                .put("salesperson", "")
                .put("pricesIncludeTax", false)
                .put("remainingAmount", decimal(invoice.remainingAmount()))
                .put("discountAmount", BigDecimal.ZERO)
                .put("discountAppliedBeforeTax", true)
                .put("totalAmountExcludingTax", decimal(excludingTax))
                .put("totalTaxAmount", decimal(invoice.totalAmount().subtract(excludingTax)))
                .put("totalAmountIncludingTax", decimal(invoice.totalAmount()))
                .put("status", status)
                .put("lastModifiedDateTime", invoice.lastModified().toString())
                .put("phoneNumber", "")
                .put("email", "");
        return node;
    }

    private static String[] place(SandboxPortfolio.Company company, int index) {
        String[][] places = PLACES.get(company.country());
        return places[index % places.length];
    }

    private static String street(SandboxPortfolio.Company company, int index) {
        return switch (company.country()) {
            case "BE" -> "Kerkstraat " + (index + 1);
            case "FR" -> (index + 1) + " rue de la République";
            default -> "Stationsweg " + (index + 1);
        };
    }

    private static String phone(SandboxPortfolio.Company company, int index) {
        String subscriber = String.format(Locale.ROOT, "%06d", 200_000 + index * 7_919);
        return switch (company.country()) {
            case "BE" -> "+32 9 " + subscriber;
            case "FR" -> "+33 3 20 " + subscriber;
            default -> "+31 30 " + subscriber;
        };
    }

    private static BigDecimal decimal(BigDecimal amount) {
        return amount.stripTrailingZeros();
    }

    private static String etag(Instant modified) {
        return "W/\"JzE5Ow" + Base64.getEncoder().withoutPadding()
                .encodeToString(modified.toString().getBytes(StandardCharsets.UTF_8)) + "\"";
    }

    private String quoted(String text) throws JsonProcessingException {
        return json.writeValueAsString(text);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> parse(String formOrQuery) {
        if (formOrQuery == null || formOrQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : formOrQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Business Central's error envelope: {"error":{"code":...,"message":...}}. */
    private void odataError(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("code", code)
                .put("message", message + "  CorrelationId:  " + UUID.randomUUID() + ".");
        send(exchange, status, json.writeValueAsString(body), "application/json; charset=utf-8");
    }

    /** Microsoft Entra ID's OAuth error body, AADSTS code first in the description. */
    private void aadError(HttpExchange exchange, int status, String error, int code, String description) throws IOException {
        String traceId = UUID.randomUUID().toString();
        ObjectNode body = json.createObjectNode().put("error", error)
                .put("error_description", "AADSTS" + code + ": " + description + " Trace ID: " + traceId)
                .put("timestamp", Instant.now().toString())
                .put("trace_id", traceId)
                .put("correlation_id", UUID.randomUUID().toString());
        body.putArray("error_codes").add(code);
        send(exchange, status, json.writeValueAsString(body), "application/json; charset=utf-8");
    }

    private static void send(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes, String contentType) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** An entity of a collection; its JSON is rendered only if it is on the page served. */
    private record Entity(String number, Instant lastModified, Supplier<ObjectNode> body) {
    }
}
