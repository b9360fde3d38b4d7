package com.encours.hub.sandbox;

import com.encours.hub.identity.vies.VatNumber;
import com.sun.net.httpserver.HttpExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays the EU VIES {@code checkVatService} (SOAP 1.1, document/literal) at {@link #SERVICE_PATH}:
 * {@code checkVat} and {@code checkVatApprox} with VIES's own answer shapes: a valid number with the name and
 * address (several lines) the member state gives, an invalid one with {@code valid=false} and name and
 * address {@code ---}, a {@code requestIdentifier} (consultation number) when checkVatApprox names a valid
 * requester, and {@code soap:Server} faults whose faultstring is the VIES code, with HTTP 500.
 * <p>
 * Which answer comes back depends on the number asked, in every member state:
 * <ul>
 *   <li>the VAT number of a {@link SandboxPortfolio} company: valid, with its name and a sandbox address;</li>
 *   <li>the numbers of the Commission's own {@code checkVatTestService}: {@code 100} valid, {@code 200}
 *       invalid, {@code 201} INVALID_INPUT, {@code 202} INVALID_REQUESTER_INFO, {@code 300}
 *       SERVICE_UNAVAILABLE, {@code 301} MS_UNAVAILABLE, {@code 302} TIMEOUT, {@code 400} VAT_BLOCKED,
 *       {@code 401} IP_BLOCKED, {@code 500} GLOBAL_MAX_CONCURRENT_REQ, {@code 501}
 *       GLOBAL_MAX_CONCURRENT_REQ_TIME, {@code 600} MS_MAX_CONCURRENT_REQ, {@code 601}
 *       MS_MAX_CONCURRENT_REQ_TIME (see {@link #TEST_NUMBERS});</li>
 *   <li>a country code that is not a VIES member state, or a number outside VIES's pattern: INVALID_INPUT;</li>
 *   <li>any other number: invalid.</li>
 * </ul>
 * A checkVatApprox requester must itself be a valid number (a portfolio company or {@code 100}), else the
 * answer is INVALID_REQUESTER_INFO. {@link #faults()} and {@link #rawReplies()} script outages and nonsense.
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class ViesSimulator implements SandboxSimulator {

    public static final String PREFIX = "/vies";
    public static final String SERVICE_PATH = PREFIX + "/taxation_customs/vies/services/checkVatService";
    public static final String VALID_TEST_NUMBER = "100";
    public static final String INVALID_TEST_NUMBER = "200";
    /** The Commission's checkVatTestService numbers that answer a fault, and the fault's code. */
    public static final Map<String, String> TEST_NUMBERS = Map.ofEntries(
            Map.entry("201", "INVALID_INPUT"), Map.entry("202", "INVALID_REQUESTER_INFO"),
            Map.entry("300", "SERVICE_UNAVAILABLE"), Map.entry("301", "MS_UNAVAILABLE"), Map.entry("302", "TIMEOUT"),
            Map.entry("400", "VAT_BLOCKED"), Map.entry("401", "IP_BLOCKED"),
            Map.entry("500", "GLOBAL_MAX_CONCURRENT_REQ"), Map.entry("501", "GLOBAL_MAX_CONCURRENT_REQ_TIME"),
            Map.entry("600", "MS_MAX_CONCURRENT_REQ"), Map.entry("601", "MS_MAX_CONCURRENT_REQ_TIME"));
    /** Name and address VIES gives for an invalid number (or one whose member state does not share them). */
    public static final String NOT_GIVEN = "---";
    public static final String TEST_COMPANY_NAME = "VIES TEST COMPANY";

    private static final String TYPES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat:types";
    private static final String VAT_NUMBER_PATTERN = "[0-9A-Za-z+*.]{2,12}";
    /** Dates in VIES answers are Brussels dates with their offset, e.g. 2026-11-24+01:00. */
    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    private static final DateTimeFormatter REQUEST_DATE = DateTimeFormatter.ofPattern("uuuu-MM-ddxxx");
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SandboxPortfolio portfolio;
    private final Clock clock;
    private final FaultPlan faults = new FaultPlan();
    private final RawReply.Plan rawReplies = new RawReply.Plan();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Request> lastRequest = new AtomicReference<>();

    @Autowired
    public ViesSimulator(SandboxPortfolio portfolio) {
        this(portfolio, Clock.systemUTC());
    }

    /** @param clock gives the request dates, so tests can pin them */
    public ViesSimulator(SandboxPortfolio portfolio, Clock clock) {
        this.portfolio = portfolio;
        this.clock = clock;
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    /** Replies planned for requests whose path contains a fragment, e.g. {@link #SERVICE_PATH}. */
    public RawReply.Plan rawReplies() {
        return rawReplies;
    }

    /** Requests the simulator answered itself, raw replies included (a scripted fault's are in {@link #faults()}). */
    public int requests() {
        return requests.get();
    }

    /** The last checkVat or checkVatApprox request understood, if any. */
    public Optional<Request> lastRequest() {
        return Optional.ofNullable(lastRequest.get());
    }

    /** VIES's SOAP fault for {@code code}, to script through {@link #faults()} (once, or as an outage). */
    public static FaultPlan.Fault soapFault(String code) {
        return new FaultPlan.Fault(500, Map.of("Content-Type", "text/xml; charset=UTF-8"), faultEnvelope(code),
                Duration.ZERO, request -> request.contains(SERVICE_PATH));
    }

    /** Back to a fresh simulator: counters, last request, faults and planned replies. */
    public void reset() {
        faults.clear();
        rawReplies.clear();
        requests.set(0);
        lastRequest.set(null);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        if (!exchange.getRequestURI().getPath().equals(SERVICE_PATH) || !exchange.getRequestMethod().equals("POST")) {
            SoapMessages.send(exchange, 404, "text/plain; charset=UTF-8", "Not found");
            return;
        }
        if (rawReplies.apply(exchange)) {
            return;
        }
        Map<String, String> fields;
        String operation;
        try {
            Element call = SoapMessages.operation(exchange.getRequestBody());
            operation = call.getLocalName();
            fields = SoapMessages.texts(call);
        } catch (IllegalArgumentException | IOException | SAXException | ParserConfigurationException e) {
            SoapMessages.sendFault(exchange, "env:Client", "Unmarshalling Error: " + e.getMessage());
            return;
        }
        if (!operation.equals("checkVat") && !operation.equals("checkVatApprox")) {
            SoapMessages.sendFault(exchange, "env:Client", "Unexpected wrapper element {" + TYPES_NS + "}" + operation + " found.");
            return;
        }
        Request request = new Request(operation, fields.get("countryCode"), fields.get("vatNumber"),
                fields.get("requesterCountryCode"), fields.get("requesterVatNumber"));
        lastRequest.set(request);
        answer(exchange, request);
    }

    private void answer(HttpExchange exchange, Request request) throws IOException {
        String country = request.countryCode();
        String number = request.vatNumber();
        if (country == null || !VatNumber.MEMBER_STATES.contains(country) || number == null || !number.matches(VAT_NUMBER_PATTERN)) {
            SoapMessages.sendFault(exchange, "env:Server", "INVALID_INPUT");
            return;
        }
        if (TEST_NUMBERS.containsKey(number)) {
            SoapMessages.sendFault(exchange, "env:Server", TEST_NUMBERS.get(number));
            return;
        }
        boolean approx = request.operation().equals("checkVatApprox");
        boolean requesterGiven = request.requesterCountryCode() != null || request.requesterVatNumber() != null;
        if (approx && requesterGiven && known(request.requesterCountryCode(), request.requesterVatNumber()).isEmpty()) {
            SoapMessages.sendFault(exchange, "env:Server", "INVALID_REQUESTER_INFO");
            return;
        }
        Optional<Trader> trader = known(country, number);
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("countryCode", country);
        answer.put("vatNumber", number);
        answer.put("requestDate", ZonedDateTime.now(clock.withZone(BRUSSELS)).format(REQUEST_DATE));
        answer.put("valid", String.valueOf(trader.isPresent()));
        String name = trader.map(Trader::name).orElse(NOT_GIVEN);
        String address = trader.map(Trader::address).orElse(NOT_GIVEN);
        if (approx) {
            answer.put("traderName", name);
            answer.put("traderCompanyType", NOT_GIVEN);
            answer.put("traderAddress", address);
            // VIES gives a consultation number only to an identified requester
            answer.put("requestIdentifier", requesterGiven ? consultationNumber() : "");
        } else {
            answer.put("name", name);
            answer.put("address", address);
        }
        StringBuilder body = new StringBuilder("<ns2:").append(request.operation()).append("Response xmlns:ns2=\"")
                .append(TYPES_NS).append("\">");
        answer.forEach((element, value) -> body.append("<ns2:").append(element).append('>').append(SoapMessages.escape(value))
                .append("</ns2:").append(element).append('>'));
        body.append("</ns2:").append(request.operation()).append("Response>");
        SoapMessages.send(exchange, 200, "text/xml; charset=UTF-8", SoapMessages.envelope(body.toString()));
    }

    /** The company VIES knows under this number: a portfolio company, or the test service's valid number. */
    private Optional<Trader> known(String country, String number) {
        if (country == null || number == null) {
            return Optional.empty();
        }
        if (number.equals(VALID_TEST_NUMBER)) {
            return Optional.of(new Trader(TEST_COMPANY_NAME, "AVENUE DU TEST 100\n1000 BRUXELLES"));
        }
        return portfolio.companies().stream()
                .filter(c -> c.vat().equals(country + number))
                .findFirst()
                // member states answer in capitals, the address on several lines with a line break around it
                .map(c -> new Trader(c.name().toUpperCase(Locale.ROOT), "\n1 RUE DE LA GARE\n1000 SANDBOX\n"));
    }

    /** VIES consultation numbers look like WAPIAAAAYabcdEFG: a fixed prefix and random letters and digits. */
    private String consultationNumber() {
        StringBuilder number = new StringBuilder("WAPIAAAA");
        for (int i = 0; i < 8; i++) {
            number.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return number.toString();
    }

    private static String faultEnvelope(String faultString) {
        return SoapMessages.faultEnvelope("env:Server", faultString);
    }



    /** What the hub asked: the operation and its parameters (null when not sent). */
    public record Request(String operation, String countryCode, String vatNumber, String requesterCountryCode,
                          String requesterVatNumber) {
    }

    private record Trader(String name, String address) {
    }
}
