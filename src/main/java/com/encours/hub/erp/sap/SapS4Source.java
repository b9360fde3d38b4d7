package com.encours.hub.erp.sap;

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
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Reads the customers and customer line items of SAP S/4HANA company codes through its OData V2 APIs,
 * with HTTP Basic authentication of a communication user.
 * <p>
 * Customers are the business partners that have a customer role ({@code API_BUSINESS_PARTNER}), with
 * their addresses, tax numbers and company code data expanded; only those extended to one of the
 * connector's company codes are handed over, and after the first run only those created or changed since
 * the stream's watermark. Line items come from {@code API_OPLACCTGDOCITEMCUBE_SRV}, customer items only
 * ({@code FinancialAccountType eq 'D'}), company code by company code: every open item each run, since
 * a clearing or a dunning run does not change the document's change date, and the items cleared since the
 * watermark. SAP filters these by day, so a watermark is a date.
 * <p>
 * Pages are asked with {@code $top}/{@code $skip} in key order; when SAP pages on its own it answers
 * {@code __next}, which is followed until the window asked with {@code $top} is read.
 */
@Component
public class SapS4Source implements ErpSource {

    public static final String PROTOCOL = "sap-s4hana-odata-v2";
    /** Stream names, also the keys of the watermarks map. */
    public static final String CUSTOMERS = "customers";
    public static final String OPEN_ITEMS = "openItems";
    public static final String CLEARED_ITEMS = "clearedItems";

    static final String BUSINESS_PARTNERS = "/API_BUSINESS_PARTNER/A_BusinessPartner";
    static final String LINE_ITEMS = "/API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube";
    static final String CUSTOMER_EXPANSION = "to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerAddress/to_PhoneNumber,"
            + "to_BusinessPartnerTax,to_Customer/to_CustomerCompany";
    /** What the open-item mapping reads; asking only for it keeps pages small (the cube has ~200 fields). */
    static final String LINE_ITEM_FIELDS = String.join(",", List.of("CompanyCode", "FiscalYear", "AccountingDocument",
            "AccountingDocumentItem", "FinancialAccountType", "Customer", "AccountingDocumentType", "DebitCreditCode",
            "DocumentReferenceID", "InvoiceReference", "DocumentDate", "PostingDate", "NetDueDate",
            "AmountInTransactionCurrency", "TransactionCurrency", "IsCleared", "ClearingDate", "ClearingAccountingDocument",
            "DunningLevel", "LastDunningDate", "DunningBlockingReason", "LastChangeDate"));
    static final String LINE_ITEM_ORDER = "CompanyCode,FiscalYear,AccountingDocument,AccountingDocumentItem";

    private static final Logger log = LoggerFactory.getLogger(SapS4Source.class);
    // A page of 1000 expanded business partners takes SAP seconds; the ABAP dialog limit is minutes.
    private static final Duration PAGE_TIMEOUT = Duration.ofMinutes(2);
    private static final DateTimeFormatter ODATA_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final PartnerHttp http;
    private final Clock clock;

    @Autowired
    public SapS4Source(PartnerHttp http) {
        this(http, Clock.systemUTC());
    }

    SapS4Source(PartnerHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public Map<String, String> extract(ConnectorInstance connector, Map<String, String> watermarks, PageSink sink) {
        List<String> companyCodes = companyCodes(connector);
        Map<String, String> next = new LinkedHashMap<>(watermarks);
        StreamTotals totals = new StreamTotals(sink);

        LocalDate customersSince = watermark(connector, watermarks, CUSTOMERS);
        String customers = "Customer ne ''" + (customersSince == null ? "" : " and (LastChangeDate ge " + datetime(customersSince)
                + " or CreationDate ge " + datetime(customersSince) + ")");
        Instant started = read(connector, CUSTOMERS, ErpPage.RecordType.DEBTOR, BUSINESS_PARTNERS,
                query(customers, null, CUSTOMER_EXPANSION, "BusinessPartner"), extendedToAnyOf(companyCodes), totals, sink);
        next.put(CUSTOMERS, nextWatermark(connector, started));

        for (String companyCode : companyCodes) {
            read(connector, OPEN_ITEMS, ErpPage.RecordType.OPEN_ITEM, LINE_ITEMS,
                    lineItems(companyCode, "IsCleared eq false"), record -> true, totals, sink);
        }

        LocalDate clearedSince = watermark(connector, watermarks, CLEARED_ITEMS);
        if (clearedSince == null) {
            clearedSince = LocalDate.ofInstant(clock.instant().minus(connector.durationProperty("clearedLookback")), ZoneOffset.UTC);
        }
        Instant clearedStarted = null;
        for (String companyCode : companyCodes) {
            Instant at = read(connector, CLEARED_ITEMS, ErpPage.RecordType.OPEN_ITEM, LINE_ITEMS,
                    lineItems(companyCode, "IsCleared eq true and ClearingDate ge " + datetime(clearedSince)),
                    record -> true, totals, sink);
            clearedStarted = clearedStarted == null ? at : clearedStarted;
        }
        next.put(CLEARED_ITEMS, nextWatermark(connector, clearedStarted));
        return next;
    }

    private static String lineItems(String companyCode, String condition) {
        return query("CompanyCode eq '" + companyCode + "' and FinancialAccountType eq 'D' and " + condition,
                LINE_ITEM_FIELDS, null, LINE_ITEM_ORDER);
    }

    /**
     * Reads one query to its end and hands over each page's records that {@code wanted} keeps. Returns the
     * server's clock at the first answer (ours when it sent no Date), which the next watermark derives from.
     * The first window asks {@code $inlinecount=allpages}: SAP's count of the query feeds the extract's progress.
     */
    private Instant read(ConnectorInstance connector, String stream, ErpPage.RecordType type, String resource,
                         String query, Predicate<String> wanted, StreamTotals totals, PageSink sink) {
        String root = baseUrl(connector) + resource + "?" + query;
        int pageSize = connector.intProperty("pageSize");
        int skip = 0;
        int readInWindow = 0;
        String url = window(root, pageSize, skip) + "&$inlinecount=allpages";
        Instant started = null;
        String firstOfLastWindow = null;
        int pages = 0;
        int handedOver = 0;
        while (url != null) {
            Page page = fetch(connector, url);
            started = started == null ? page.serverTime() : started;
            if (pages == 0 && page.count() != null) {
                totals.streamHolds(page.count());
            }
            if (readInWindow == 0 && !page.records().isEmpty()) {
                // a server that ignores $skip would serve the first window forever
                if (page.records().get(0).equals(firstOfLastWindow)) {
                    throw new PartnerException(connector.id(), 200, false, "GET " + resource
                            + " answered the same page for $skip=" + skip + " as for the window before; paging would never end", null);
                }
                firstOfLastWindow = page.records().get(0);
            }
            List<String> records = page.records().stream().filter(wanted).toList();
            pages++;
            if (!records.isEmpty()) {
                sink.accept(new ErpPage(stream, type, records));
                handedOver += records.size();
            }
            readInWindow += page.records().size();
            if (page.nextLink() != null) {
                url = nextLink(connector, page.nextLink(), url);
            } else if (readInWindow >= pageSize) {
                skip += readInWindow;
                readInWindow = 0;
                url = window(root, pageSize, skip);
            } else {
                url = null;
            }
        }
        log.info("{}: {} read, {} records handed over in {} pages", connector.id(), stream, handedOver, pages);
        totals.streamRead(handedOver);
        return started != null ? started : clock.instant();
    }

    private Page fetch(ConnectorInstance connector, String url) {
        String credentials = connector.property("username") + ":" + connector.property("password");
        String authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        String sapClient = connector.property("sapClient");
        HttpResponse<String> response = http.send(connector.id(), RetryPolicy.of(connector.descriptor().spec().retry()),
                ErpRequests.maxPageBytes(connector), () -> {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                            .timeout(PAGE_TIMEOUT)
                            .header("Authorization", authorization)
                            .header("Accept", "application/json")
                            .GET();
                    if (sapClient != null && !sapClient.isBlank()) {
                        request.header("sap-client", sapClient.trim());
                    }
                    return request.build();
                });
        Instant serverTime = response.headers().firstValue("Date").map(ErpRequests::httpDate).orElse(null);
        return readPage(connector, url, response.body(), serverTime);
    }

    /**
     * Reads an OData V2 JSON page, {@code {"d":{"results":[...],"__next":"..."}}}, in one streaming pass:
     * each element of {@code results} is kept as the exact text SAP sent, so that the mapping sees it as it
     * is and refuses that record alone. Anything that makes the page itself unreadable fails the page.
     */
    Page readPage(ConnectorInstance connector, String url, String body, Instant serverTime) {
        String subject = "GET " + URI.create(url).getPath();
        JsonPageReader.ODataPage page = JsonPageReader.readOData(connector.id(), subject, body, Map.of());
        return new Page(page.results().stream().map(JsonPageReader.RawElement::raw).toList(), page.next(), page.count(),
                serverTime);
    }

    /**
     * Keeps a business partner extended to one of the company codes read; one without company code data
     * (a prospect) or whose record cannot be read is handed over, and its mapping decides.
     */
    private Predicate<String> extendedToAnyOf(List<String> companyCodes) {
        Set<String> wanted = Set.copyOf(companyCodes);
        return raw -> {
            JsonNode companies;
            try {
                companies = JsonPageReader.readRecord(raw).path("to_Customer").path("to_CustomerCompany").path("results");
            } catch (JsonProcessingException unreadable) {
                return true;
            }
            if (!companies.isArray()) {
                return true;
            }
            for (JsonNode company : companies) {
                if (wanted.contains(company.path("CompanyCode").asText())) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Follows __next only to the configured host: the request carries the communication user's password. */
    private String nextLink(ConnectorInstance connector, String link, String current) {
        URI next;
        try {
            next = URI.create(current).resolve(link);
        } catch (IllegalArgumentException e) {
            throw new PartnerException(connector.id(), 200, false,
                    "__next of " + URI.create(current).getPath() + " is not a valid URL", null);
        }
        URI base = URI.create(baseUrl(connector));
        if (!ErpRequests.sameOrigin(next, base)) {
            throw new PartnerException(connector.id(), 200, false,
                    "__next of " + URI.create(current).getPath() + " points to another host: " + next.getHost(), null);
        }
        if (next.toString().equals(current)) {
            throw new PartnerException(connector.id(), 200, false,
                    "__next of " + next.getPath() + " points to the same page; paging would never end", null);
        }
        return next.toString();
    }

    private static String window(String root, int top, int skip) {
        return root + "&$top=" + top + "&$skip=" + skip;
    }

    private static String query(String filter, String select, String expand, String orderBy) {
        StringBuilder query = new StringBuilder("$filter=").append(ErpRequests.encode(filter));
        if (select != null) {
            query.append("&$select=").append(ErpRequests.encode(select));
        }
        if (expand != null) {
            query.append("&$expand=").append(ErpRequests.encode(expand));
        }
        return query.append("&$orderby=").append(ErpRequests.encode(orderBy)).toString();
    }

    /** An OData V2 Edm.DateTime literal of midnight that day. */
    private static String datetime(LocalDate day) {
        return "datetime'" + ODATA_DATETIME.format(day.atStartOfDay()) + "'";
    }

    /** The day to read from next time: the server's clock at the start, less the re-read window. */
    private static String nextWatermark(ConnectorInstance connector, Instant started) {
        return LocalDate.ofInstant(started.minus(connector.durationProperty("lateCommitWindow")), ZoneOffset.UTC).toString();
    }

    private static LocalDate watermark(ConnectorInstance connector, Map<String, String> watermarks, String stream) {
        String value = watermarks.get(stream);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(connector.id() + ": watermark of " + stream
                    + " is not an ISO date: '" + value + "'", e);
        }
    }

    /** Company codes go into $filter literals: anything but SAP's four letters or digits is refused. */
    static List<String> companyCodes(ConnectorInstance connector) {
        List<String> codes = Arrays.stream(connector.property("companyCodes").split(","))
                .map(String::trim).filter(code -> !code.isEmpty()).distinct().toList();
        List<String> invalid = codes.stream().filter(code -> !code.matches("[A-Za-z0-9]{1,4}")).toList();
        if (codes.isEmpty() || !invalid.isEmpty()) {
            throw new IllegalArgumentException(connector.id() + ": companyCodes must list SAP company codes (1 to 4 "
                    + "letters or digits) separated by commas, was '" + connector.property("companyCodes") + "'"
                    + (invalid.isEmpty() ? "" : "; not a company code: " + invalid.stream().collect(Collectors.joining(", "))));
        }
        return codes;
    }

    private static String baseUrl(ConnectorInstance connector) {
        return connector.property("baseUrl").replaceAll("/+$", "");
    }

    /**
     * A page's records as SAP sent them, its __next link, the query's count ({@code __count}) and the server's
     * clock when it answered, each if it said.
     */
    record Page(List<String> records, String nextLink, Long count, Instant serverTime) {
    }
}
