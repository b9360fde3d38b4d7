package com.encours.hub.sandbox;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays SAP S/4HANA's OData V2 services {@code API_BUSINESS_PARTNER/A_BusinessPartner} and
 * {@code API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube} for two company codes: 1010 (EUR)
 * and 1710 (USD). Customers and invoices come from the {@link SandboxPortfolio}; an invoice in USD is
 * posted in 1710, any other in 1010. As in SAP, an item's amount never changes: a paid invoice is cleared
 * on the day of its payment, a partly paid one stays open next to an open payment item (document type DZ)
 * that refers to it. Overdue invoices carry the dunning level a monthly dunning run would have given them.
 * <p>
 * HTTP Basic authentication (401 with WWW-Authenticate otherwise), the {@code sap-client} header,
 * {@code $filter} ({@code and}, {@code or}, brackets, {@code eq ne gt ge lt le} on strings, booleans and
 * {@code datetime'...'}), {@code $select}, {@code $expand}, {@code $top}/{@code $skip},
 * {@code $inlinecount=allpages} and, when a server page size is set, {@code __next} with a {@code $skiptoken}. Errors have the OData V2 JSON envelope.
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class SapS4Simulator implements SandboxSimulator {

    public static final String USERNAME = "ENCOURS_COMM";
    public static final String PASSWORD = "sandbox-password";
    public static final String SAP_CLIENT = "100";
    public static final String EURO_COMPANY_CODE = "1010";
    public static final String DOLLAR_COMPANY_CODE = "1710";
    /** Path of the OData root under the sandbox, as on a real Gateway. */
    public static final String ODATA_ROOT = "/sap/opu/odata/sap";

    private static final String BUSINESS_PARTNERS = ODATA_ROOT + "/API_BUSINESS_PARTNER/A_BusinessPartner";
    private static final String LINE_ITEMS = ODATA_ROOT + "/API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSSSS");
    private static final String REALM = "Basic realm=\"SAP NetWeaver Application Server [S4H/" + SAP_CLIENT + "]\"";

    private final SandboxPortfolio portfolio;
    private final Clock clock = Clock.systemUTC();
    private final FaultPlan faults = new FaultPlan();
    private final RawReply.Plan rawReplies = new RawReply.Plan();
    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicInteger apiRequests = new AtomicInteger();
    private final List<String> injectedItems = new CopyOnWriteArrayList<>();
    private volatile int serverPageSize = Integer.MAX_VALUE;

    public SapS4Simulator(SandboxPortfolio portfolio) {
        this.portfolio = portfolio;
    }

    @Override
    public String pathPrefix() {
        return "/sap";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    /** Replies planned for requests whose path and query contain a fragment. */
    public RawReply.Plan rawReplies() {
        return rawReplies;
    }

    /** Requests that reached the simulator, refused ones included (injected faults not included). */
    public int apiRequests() {
        return apiRequests.get();
    }

    /**
     * Makes the server page on its own: at most this many entities per answer, the rest of the window asked
     * with $top behind __next (as a Gateway service with server-side paging does).
     */
    public void serverPageSize(int size) {
        this.serverPageSize = size;
    }

    /** Appends this text verbatim as the last open item of company code 1010 (malformed on purpose). */
    public void injectOpenItem(String rawJson) {
        injectedItems.add(rawJson);
    }

    /** The SAP customer number of a sandbox company: SAP numbers customers with digits. */
    public static String customerNumber(SandboxPortfolio.Company company) {
        return "10" + company.number().substring(1);
    }

    /** The company code an invoice is posted in. */
    public static String companyCode(SandboxPortfolio.Invoice invoice) {
        return invoice.currency().equals("USD") ? DOLLAR_COMPANY_CODE : EURO_COMPANY_CODE;
    }

    /** The accounting document of an invoice: SAP's number range for billing documents posted to FI. */
    public static String accountingDocument(SandboxPortfolio.Invoice invoice) {
        return "18" + String.format(Locale.ROOT, "%08d", Integer.parseInt(invoice.number().substring(3)) - 100_000);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (rawReplies.apply(exchange)) {
            return;
        }
        apiRequests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        if (!authenticated(exchange)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", REALM);
            error(exchange, 401, "/IWFND/CM_CONSUMER/101", "Logon failed: user, password or client is not valid");
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            error(exchange, 405, "/IWFND/MED/170", "Method " + exchange.getRequestMethod() + " is not allowed here");
            return;
        }
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        try {
            if (path.equals(BUSINESS_PARTNERS)) {
                collection(exchange, query, businessPartners(), "A_BusinessPartner", "API_BUSINESS_PARTNER");
            } else if (path.equals(LINE_ITEMS)) {
                collection(exchange, query, lineItems(), "A_OperationalAcctgDocItemCube", "API_OPLACCTGDOCITEMCUBE_SRV");
            } else {
                error(exchange, 404, "/IWFND/MED/170", "No service found for namespace '', name '" + path + "'");
            }
        } catch (BadQuery e) {
            error(exchange, 400, "/IWBEP/CM_MGW_RT/022", e.getMessage());
        }
    }

    private boolean authenticated(HttpExchange exchange) {
        String client = exchange.getRequestHeaders().getFirst("sap-client");
        if (client != null && !client.equals(SAP_CLIENT)) {
            return false;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return false;
        }
        String expected = USERNAME + ":" + PASSWORD;
        try {
            return expected.equals(new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private void collection(HttpExchange exchange, Map<String, String> query, List<Entity> entities, String entitySet,
                            String service) throws IOException {
        Filter filter = Filter.parse(query.getOrDefault("$filter", ""));
        List<Entity> matching = entities.stream().filter(e -> filter.test(e.fields())).sorted(Comparator.comparing(Entity::key)).toList();
        int skip = number(query, "$skip", 0);
        int windowEnd = query.containsKey("$top") ? (int) Math.min((long) skip + number(query, "$top", 0), matching.size())
                : matching.size();
        int from = query.containsKey("$skiptoken") ? number(query, "$skiptoken", skip) : skip;
        from = Math.min(Math.max(from, skip), Math.max(windowEnd, skip));
        int to = (int) Math.min((long) from + serverPageSize, Math.max(windowEnd, from));
        Set<String> select = query.containsKey("$select") ? Set.of(query.get("$select").split(",")) : null;
        Set<String> expand = query.containsKey("$expand") ? Set.of(query.get("$expand").split(",")) : Set.of();

        String host = "http://" + exchange.getRequestHeaders().getFirst("Host");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("{\"d\":{".getBytes(StandardCharsets.UTF_8));
        if ("allpages".equals(query.get("$inlinecount"))) {
            // OData V2 writes the count of the whole query, all pages, as a string
            body.write(("\"__count\":\"" + matching.size() + "\",").getBytes(StandardCharsets.UTF_8));
        }
        body.write("\"results\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = from; i < to; i++) {
            if (i > from) {
                body.write(',');
            }
            body.write(matching.get(i).render(host, select, expand));
        }
        body.write(']');
        if (to < windowEnd) {
            StringBuilder next = new StringBuilder(host + exchange.getRequestURI().getPath() + "?");
            query.forEach((name, value) -> {
                if (!name.equals("$skiptoken")) {
                    next.append(encode(name)).append('=').append(encode(value)).append('&');
                }
            });
            next.append("$skiptoken=").append(to);
            body.write((",\"__next\":" + json.writeValueAsString(next.toString())).getBytes(StandardCharsets.UTF_8));
        }
        body.write("}}".getBytes(StandardCharsets.UTF_8));
        exchange.getResponseHeaders().add("dataserviceversion", "2.0");
        exchange.getResponseHeaders().add("sap-metadata-last-modified", "Mon, 02 Nov 2026 08:00:00 GMT");
        send(exchange, 200, body.toByteArray());
    }

    private static int number(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0) {
                throw new BadQuery("Invalid system query option " + name + "=" + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new BadQuery("Invalid system query option " + name + "=" + value);
        }
    }

    // --- data --------------------------------------------------------------------------------------

    private List<Entity> businessPartners() {
        List<SandboxPortfolio.Invoice> invoices = portfolio.invoices();
        LocalDate created = invoices.stream().map(i -> LocalDate.ofInstant(i.lastModified(), ZoneOffset.UTC))
                .min(Comparator.naturalOrder()).orElseThrow().minusDays(30);
        Set<String> dollarCustomers = Set.copyOf(invoices.stream().filter(i -> companyCode(i).equals(DOLLAR_COMPANY_CODE))
                .map(i -> i.customer().number()).toList());
        List<Entity> partners = new ArrayList<>();
        List<SandboxPortfolio.Company> companies = portfolio.companies();
        for (int i = 0; i < companies.size(); i++) {
            SandboxPortfolio.Company company = companies.get(i);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("BusinessPartner", customerNumber(company));
            fields.put("Customer", customerNumber(company));
            fields.put("BusinessPartnerCategory", "2");
            fields.put("BusinessPartnerFullName", company.name());
            fields.put("BusinessPartnerGrouping", "BP02");
            fields.put("OrganizationBPName1", company.name());
            fields.put("OrganizationBPName2", "");
            fields.put("CreationDate", created.plusDays(i % 7));
            fields.put("CreationTime", "PT09H" + String.format(Locale.ROOT, "%02d", i % 60) + "M00S");
            fields.put("LastChangeDate", null);
            fields.put("LastChangeTime", "PT00H00M00S");
            fields.put("BusinessPartnerIsBlocked", false);
            List<String> codes = dollarCustomers.contains(company.number())
                    ? List.of(EURO_COMPANY_CODE, DOLLAR_COMPANY_CODE) : List.of(EURO_COMPANY_CODE);
            int index = i;
            partners.add(new Entity(customerNumber(company), fields, (host, expand) -> expansions(host, company, index, codes, expand)));
        }
        return partners;
    }

    private Map<String, ObjectNode> expansions(String host, SandboxPortfolio.Company company, int index, List<String> codes,
                                           Set<String> expand) {
        String number = customerNumber(company);
        String root = host + ODATA_ROOT + "/API_BUSINESS_PARTNER/";
        Map<String, ObjectNode> navigations = new LinkedHashMap<>();
        String addressId = String.format(Locale.ROOT, "2%09d", index + 1);
        ObjectNode address = json.createObjectNode();
        address.set("__metadata", metadata(root, "A_BusinessPartnerAddress",
                "BusinessPartner='" + number + "',AddressID='" + addressId + "'", "API_BUSINESS_PARTNER"));
        String[] place = PLACES.get(company.country())[index % 4];
        address.put("BusinessPartner", number).put("AddressID", addressId)
                .put("StreetName", STREETS.get(company.country())).put("HouseNumber", String.valueOf(index + 1))
                .put("PostalCode", place[1]).put("CityName", place[0]).put("Country", company.country()).put("Language", "EN");
        String email = "accounts@" + company.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".example";
        address.putObject("to_EmailAddress").putArray("results").addObject().put("AddressID", addressId).put("Person", "")
                .put("OrdinalNumber", "1").put("IsDefaultEmailAddress", true).put("EmailAddress", email);
        address.putObject("to_PhoneNumber").putArray("results");
        navigations.put("to_BusinessPartnerAddress", results(address));

        ObjectNode vat = json.createObjectNode();
        vat.set("__metadata", metadata(root, "A_BusinessPartnerTaxNumber",
                "BusinessPartner='" + number + "',BPTaxType='" + company.country() + "0'", "API_BUSINESS_PARTNER"));
        vat.put("BusinessPartner", number).put("BPTaxType", company.country() + "0").put("BPTaxNumber", company.vat())
                .put("BPTaxLongNumber", "");
        navigations.put("to_BusinessPartnerTax", results(vat));

        ObjectNode customer = json.createObjectNode();
        customer.set("__metadata", metadata(root, "A_Customer", "'" + number + "'", "API_BUSINESS_PARTNER"));
        customer.put("Customer", number).put("CustomerName", company.name()).put("CustomerFullName", company.name())
                .put("CustomerAccountGroup", "CUST").put("OrderIsBlockedForCustomer", "").put("PostingIsBlocked", false)
                .put("DeletionIndicator", false).put("VATRegistration", company.vat());
        ArrayNode companyData = customer.putObject("to_CustomerCompany").putArray("results");
        for (String code : codes) {
            ObjectNode data = companyData.addObject();
            data.set("__metadata", metadata(root, "A_CustomerCompany",
                    "Customer='" + number + "',CompanyCode='" + code + "'", "API_BUSINESS_PARTNER"));
            data.put("Customer", number).put("CompanyCode", code).put("PaymentTerms", "0004")
                    .put("PaymentBlockingReason", "").put("PhysicalInventoryBlockInd", false).put("DeletionIndicator", false);
        }
        navigations.put("to_Customer", customer);
        // navigations not asked for are deferred, as OData V2 writes them
        navigations.replaceAll((name, value) -> expand.stream().anyMatch(e -> e.equals(name) || e.startsWith(name + "/"))
                ? value : deferred(root + "A_BusinessPartner('" + number + "')/" + name));
        return navigations;
    }

    private List<Entity> lineItems() {
        List<Entity> items = new ArrayList<>();
        LocalDate today = LocalDate.now(clock);
        int n = 0;
        for (SandboxPortfolio.Invoice invoice : portfolio.invoices()) {
            n++;
            String code = companyCode(invoice);
            String document = accountingDocument(invoice);
            LocalDate changed = paymentDate(invoice, n, today);
            boolean cleared = invoice.remainingAmount().signum() == 0;
            Map<String, Object> fields = item(code, invoice.invoiceDate().getYear(), document, invoice.customer());
            fields.put("AccountingDocumentType", "RV");
            fields.put("DebitCreditCode", "S");
            fields.put("DocumentReferenceID", invoice.number());
            fields.put("InvoiceReference", "");
            fields.put("DocumentDate", invoice.invoiceDate());
            fields.put("PostingDate", invoice.invoiceDate());
            fields.put("NetDueDate", invoice.dueDate());
            fields.put("AmountInTransactionCurrency", invoice.totalAmount().toPlainString());
            fields.put("TransactionCurrency", invoice.currency());
            fields.put("IsCleared", cleared);
            fields.put("ClearingDate", cleared ? changed : null);
            fields.put("ClearingAccountingDocument", cleared ? "14" + document.substring(2) : "");
            long overdueDays = Duration.between(invoice.dueDate().atStartOfDay(), today.atStartOfDay()).toDays();
            int level = cleared ? 0 : (int) Math.max(0, Math.min(3, overdueDays / 30));
            fields.put("DunningLevel", String.valueOf(level));
            fields.put("LastDunningDate", level == 0 ? null : invoice.dueDate().plusDays(30L * level));
            // every thirteenth overdue invoice is disputed by phone, so the clerk blocked its dunning
            fields.put("DunningBlockingReason", level > 0 && n % 13 == 0 ? "B" : "");
            // clearing or dunning an item does not change its document
            fields.put("LastChangeDate", invoice.invoiceDate());
            items.add(new Entity(code + "/" + document + "/001", fields, (Navigations) null));

            BigDecimal paid = invoice.totalAmount().subtract(invoice.remainingAmount());
            if (!cleared && paid.signum() > 0) {
                String payment = "14" + document.substring(2);
                Map<String, Object> part = item(code, changed.getYear(), payment, invoice.customer());
                part.put("AccountingDocumentType", "DZ");
                part.put("DebitCreditCode", "H");
                part.put("DocumentReferenceID", "");
                part.put("InvoiceReference", document);
                part.put("DocumentDate", changed);
                part.put("PostingDate", changed);
                part.put("NetDueDate", changed);
                part.put("AmountInTransactionCurrency", paid.negate().toPlainString());
                part.put("TransactionCurrency", invoice.currency());
                part.put("IsCleared", false);
                part.put("ClearingDate", null);
                part.put("ClearingAccountingDocument", "");
                part.put("DunningLevel", "0");
                part.put("LastDunningDate", null);
                part.put("DunningBlockingReason", "");
                part.put("LastChangeDate", changed);
                items.add(new Entity(code + "/" + payment + "/001", part, (Navigations) null));
            }
        }
        for (int i = 0; i < injectedItems.size(); i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("CompanyCode", EURO_COMPANY_CODE);
            fields.put("FinancialAccountType", "D");
            fields.put("IsCleared", false);
            String raw = injectedItems.get(i);
            items.add(new Entity(EURO_COMPANY_CODE + "/~injected/" + String.format(Locale.ROOT, "%03d", i), fields, raw));
        }
        return items;
    }

    /**
     * The day an invoice was (last) paid: the portfolio's change time once a payment was recorded in the
     * sandbox; for the generated history, which the portfolio stamps long before the invoices, a day
     * between the invoice and today.
     */
    private static LocalDate paymentDate(SandboxPortfolio.Invoice invoice, int n, LocalDate today) {
        LocalDate changed = LocalDate.ofInstant(invoice.lastModified(), ZoneOffset.UTC);
        if (changed.isAfter(invoice.invoiceDate())) {
            return changed;
        }
        LocalDate paid = invoice.invoiceDate().plusDays(5 + n % 30);
        return paid.isAfter(today) ? today : paid;
    }

    private static Map<String, Object> item(String companyCode, int fiscalYear, String document, SandboxPortfolio.Company customer) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("CompanyCode", companyCode);
        fields.put("FiscalYear", String.valueOf(fiscalYear));
        fields.put("AccountingDocument", document);
        fields.put("AccountingDocumentItem", "001");
        fields.put("FinancialAccountType", "D");
        fields.put("Customer", customerNumber(customer));
        return fields;
    }

    private ObjectNode metadata(String root, String entitySet, String key, String service) {
        String uri = root + entitySet + "(" + key + ")";
        return json.createObjectNode().put("id", uri).put("uri", uri).put("type", service + "." + entitySet + "Type");
    }

    private ObjectNode results(ObjectNode... entries) {
        ObjectNode wrapper = json.createObjectNode();
        ArrayNode results = wrapper.putArray("results");
        Arrays.stream(entries).forEach(results::add);
        return wrapper;
    }

    private ObjectNode deferred(String uri) {
        ObjectNode node = json.createObjectNode();
        node.putObject("__deferred").put("uri", uri);
        return node;
    }

    private static final Map<String, String[][]> PLACES = Map.of(
            "BE", new String[][]{{"Gent", "9000"}, {"Antwerpen", "2000"}, {"Brussel", "1000"}, {"Liège", "4000"}},
            "FR", new String[][]{{"Lille", "59000"}, {"Lyon", "69002"}, {"Nantes", "44000"}, {"Paris", "75008"}},
            "NL", new String[][]{{"Utrecht", "3511 AB"}, {"Rotterdam", "3011 AD"}, {"Eindhoven", "5611 AZ"},
                    {"Amsterdam", "1012 JS"}});
    private static final Map<String, String> STREETS = Map.of("BE", "Kerkstraat", "FR", "rue de la République", "NL", "Stationsweg");

    /**
     * One entity of a collection: the fields $filter reads, and either navigations rendered on demand
     * (expanded or deferred) or, for an injected record, its verbatim text.
     */
    private final class Entity {
        private final String key;
        private final Map<String, Object> fields;
        private final Navigations navigations;
        private final String raw;

        Entity(String key, Map<String, Object> fields, Navigations navigations) {
            this.key = key;
            this.fields = fields;
            this.navigations = navigations;
            this.raw = null;
        }

        Entity(String key, Map<String, Object> fields, String raw) {
            this.key = key;
            this.fields = fields;
            this.navigations = null;
            this.raw = raw;
        }

        String key() {
            return key;
        }

        Map<String, Object> fields() {
            return fields;
        }

        byte[] render(String host, Set<String> select, Set<String> expand) throws IOException {
            if (raw != null) {
                return raw.getBytes(StandardCharsets.UTF_8);
            }
            ObjectNode node = json.createObjectNode();
            boolean lineItem = navigations == null;
            String uri = host + (lineItem ? LINE_ITEMS + "(CompanyCode='" + fields.get("CompanyCode") + "',FiscalYear='"
                    + fields.get("FiscalYear") + "',AccountingDocument='" + fields.get("AccountingDocument")
                    + "',AccountingDocumentItem='" + fields.get("AccountingDocumentItem") + "')"
                    : BUSINESS_PARTNERS + "('" + fields.get("BusinessPartner") + "')");
            node.putObject("__metadata").put("id", uri).put("uri", uri).put("type", lineItem
                    ? "API_OPLACCTGDOCITEMCUBE_SRV.A_OperationalAcctgDocItemCubeType" : "API_BUSINESS_PARTNER.A_BusinessPartnerType");
            fields.forEach((name, value) -> {
                if (select == null || select.contains(name)) {
                    if (value == null) {
                        node.putNull(name);
                    } else if (value instanceof LocalDate date) {
                        node.put(name, "/Date(" + date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() + ")/");
                    } else if (value instanceof Boolean flag) {
                        node.put(name, flag);
                    } else {
                        node.put(name, String.valueOf(value));
                    }
                }
            });
            if (navigations != null) {
                navigations.render(host, expand).forEach(node::set);
            }
            return json.writeValueAsBytes(node);
        }
    }

    @FunctionalInterface
    private interface Navigations {
        Map<String, ObjectNode> render(String host, Set<String> expand);
    }

    /** The OData V2 error envelope SAP Gateway answers with. */
    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.putObject("message").put("lang", "en").put("value", message);
        error.putObject("innererror").put("transactionid", Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT))
                .put("timestamp", LocalDateTime.now(clock).format(TIMESTAMP));
        send(exchange, status, json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> parse(String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** A query the simulated Gateway refuses with 400, as SAP does for a property or syntax it does not know. */
    private static final class BadQuery extends RuntimeException {
        BadQuery(String message) {
            super(message);
        }
    }

    /** A parsed $filter: comparisons joined by and/or, with brackets. */
    private interface Filter {

        boolean test(Map<String, Object> fields);

        Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|datetime'[^']*'|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*)");

        static Filter parse(String text) {
            if (text.isBlank()) {
                return fields -> true;
            }
            List<String> tokens = new ArrayList<>();
            Matcher matcher = TOKEN.matcher(text);
            int at = 0;
            while (at < text.length() && matcher.find(at) && matcher.start() == at) {
                tokens.add(matcher.group(1));
                at = matcher.end();
            }
            if (!text.substring(at).isBlank()) {
                throw new BadQuery("Invalid filter expression: '" + text + "'");
            }
            Parser parser = new Parser(tokens);
            Filter filter = parser.or();
            if (parser.position < tokens.size()) {
                throw new BadQuery("Invalid filter expression: '" + text + "'");
            }
            return filter;
        }
    }

    private static final class Parser {
        private static final Set<String> OPERATORS = Set.of("eq", "ne", "gt", "ge", "lt", "le");
        private final List<String> tokens;
        private int position;

        Parser(List<String> tokens) {
            this.tokens = tokens;
        }

        Filter or() {
            Filter left = and();
            while (peek("or")) {
                position++;
                Filter a = left;
                Filter b = and();
                left = fields -> a.test(fields) || b.test(fields);
            }
            return left;
        }

        Filter and() {
            Filter left = comparison();
            while (peek("and")) {
                position++;
                Filter a = left;
                Filter b = comparison();
                left = fields -> a.test(fields) && b.test(fields);
            }
            return left;
        }

        Filter comparison() {
            if (peek("(")) {
                position++;
                Filter inner = or();
                expect(")");
                return inner;
            }
            String property = next();
            String operator = next();
            if (!OPERATORS.contains(operator)) {
                throw new BadQuery("Invalid filter operator '" + operator + "'");
            }
            Object literal = literal(next());
            return fields -> {
                if (!fields.containsKey(property)) {
                    throw new BadQuery("Property " + property + " not found in type");
                }
                int order = compare(fields.get(property), literal);
                return switch (operator) {
                    case "eq" -> order == 0;
                    case "ne" -> order != 0;
                    case "gt" -> order != Integer.MIN_VALUE && order > 0;
                    case "ge" -> order != Integer.MIN_VALUE && order >= 0;
                    case "lt" -> order != Integer.MIN_VALUE && order < 0;
                    default -> order != Integer.MIN_VALUE && order <= 0;
                };
            };
        }

        /** Order of value against literal; MIN_VALUE when one of them is null (only eq/ne hold then). */
        private static int compare(Object value, Object literal) {
            if (value == null || literal == null) {
                return Objects.equals(value, literal) ? 0 : Integer.MIN_VALUE;
            }
            if (value instanceof LocalDate date && literal instanceof LocalDateTime moment) {
                return date.atStartOfDay().compareTo(moment);
            }
            if (value instanceof Boolean flag && literal instanceof Boolean other) {
                return flag.equals(other) ? 0 : 1;
            }
            if (value instanceof String text && literal instanceof String other) {
                return Integer.signum(text.compareTo(other));
            }
            throw new BadQuery("Incompatible types in filter: " + value.getClass().getSimpleName() + " and " + literal);
        }

        private static Object literal(String token) {
            if (token.startsWith("datetime'")) {
                try {
                    return LocalDateTime.parse(token.substring(9, token.length() - 1));
                } catch (DateTimeParseException e) {
                    throw new BadQuery("Invalid datetime literal " + token);
                }
            }
            if (token.startsWith("'")) {
                return token.substring(1, token.length() - 1).replace("''", "'");
            }
            return switch (token) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> throw new BadQuery("Invalid literal " + token);
            };
        }

        private boolean peek(String token) {
            return position < tokens.size() && tokens.get(position).equals(token);
        }

        private String next() {
            if (position >= tokens.size()) {
                throw new BadQuery("Filter expression ends too early");
            }
            return tokens.get(position++);
        }

        private void expect(String token) {
            if (!next().equals(token)) {
                throw new BadQuery("'" + token + "' expected in filter");
            }
        }
    }
}
