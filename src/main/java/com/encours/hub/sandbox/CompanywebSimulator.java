package com.encours.hub.sandbox;

import com.sun.net.httpserver.HttpExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Companyweb B2B SOAP service (SOAP 1.1, document/literal, the shapes of the reconstructed
 * {@code wsdl/companywebB2B.wsdl}) at {@link #SERVICE_PATH}:
 * <ul>
 *   <li>{@code GetCompanyByVat}: the Belgian companies of the {@link SandboxPortfolio}, with a barometer
 *       derived from the sandbox bureau score ((score - 50) / 10, so 85 gives 3.5) and its credit limit;
 *       any other ten-digit number is unknown (no Company element); a number that is not ten digits answers
 *       the fault INVALID_VAT_NUMBER;</li>
 *   <li>{@code GetAlerts}: the alerts raised since the instant asked, by {@link #changeBarometer} and
 *       {@link #declareBankrupt}, which also change what GetCompanyByVat answers;</li>
 *   <li>every call checks the login, the password and the day's hash (SHA-1 of the Brussels date yyyyMMdd,
 *       login and password): anything else answers the fault AUTHENTICATION_FAILED.</li>
 * </ul>
 * Faults are {@code soap:Server} with HTTP 500 and the code as faultstring; {@link #soapFault(String)} scripts
 * them through {@link #faults()} (e.g. SERVICE_UNAVAILABLE).
 */
@Component
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class CompanywebSimulator implements SandboxSimulator {

    public static final String PREFIX = "/companyweb";
    public static final String SERVICE_PATH = PREFIX + "/b2b/CompanywebService";
    private static final String NS = "http://ws.companyweb.be/b2b";
    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    private final SandboxPortfolio portfolio;
    private final String loginId;
    private final String password;
    private final Clock clock;
    private final FaultPlan faults = new FaultPlan();
    /** Companies whose answer a test or the sandbox changed, by enterprise number. */
    private final Map<String, Situation> changed = new ConcurrentHashMap<>();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final AtomicInteger companyRequests = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();

    @Autowired
    public CompanywebSimulator(SandboxPortfolio portfolio,
                               @Value("${hub.sandbox.companyweb.login-id:sandbox-login}") String loginId,
                               @Value("${hub.sandbox.companyweb.password:sandbox-password}") String password) {
        this(portfolio, loginId, password, Clock.systemUTC());
    }

    /** @param clock decides the day whose hash is accepted and when alerts are raised */
    public CompanywebSimulator(SandboxPortfolio portfolio, String loginId, String password, Clock clock) {
        this.portfolio = portfolio;
        this.loginId = loginId;
        this.password = password;
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

    /** Companyweb's SOAP fault with this code, to script through {@link #faults()}. */
    public static FaultPlan.Fault soapFault(String code) {
        return new FaultPlan.Fault(500, Map.of("Content-Type", SoapMessages.XML), SoapMessages.faultEnvelope("env:Server", code),
                Duration.ZERO, request -> request.contains(SERVICE_PATH));
    }

    /** GetCompanyByVat requests answered (faults included, scripted ones not). */
    public int companyRequests() {
        return companyRequests.get();
    }

    /** Calls refused for their credentials or hash. */
    public int refusedLogins() {
        return refusedLogins.get();
    }

    /** The company's barometer becomes {@code barometer}, and a BAROMETER alert is raised now. */
    public void changeBarometer(String enterpriseNumber, BigDecimal barometer) {
        Situation before = situation(enterpriseNumber).orElseThrow(() -> unknown(enterpriseNumber));
        changed.put(enterpriseNumber, new Situation(before.name(), before.status(), before.statusDate(), barometer,
                before.creditLimit()));
        raise(enterpriseNumber, "BAROMETER", before.barometer() == null ? null : before.barometer().toPlainString(),
                barometer.toPlainString(), "Barometer changed");
    }

    /** The company is declared bankrupt on {@code day}, and a STATUS alert is raised now. */
    public void declareBankrupt(String enterpriseNumber, LocalDate day) {
        Situation before = situation(enterpriseNumber).orElseThrow(() -> unknown(enterpriseNumber));
        changed.put(enterpriseNumber, new Situation(before.name(), "BANKRUPT", day, before.barometer(),
                before.creditLimit()));
        raise(enterpriseNumber, "STATUS", before.status(), "BANKRUPT", "Bankruptcy declared");
    }

    /** Back to the portfolio's answers: no changes, no alerts, no counters, no faults. */
    public void reset() {
        faults.clear();
        changed.clear();
        alerts.clear();
        companyRequests.set(0);
        refusedLogins.set(0);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(SERVICE_PATH) || !exchange.getRequestMethod().equals("POST")) {
            SoapMessages.send(exchange, 404, "text/plain; charset=UTF-8", "Not found");
            return;
        }
        Element call;
        try {
            call = SoapMessages.operation(exchange.getRequestBody());
        } catch (IllegalArgumentException | SAXException | ParserConfigurationException e) {
            SoapMessages.sendFault(exchange, "env:Client", "Unreadable request: " + e.getMessage());
            return;
        }
        if (!NS.equals(call.getNamespaceURI())) {
            SoapMessages.sendFault(exchange, "env:Client", "Unexpected element {" + call.getNamespaceURI() + "}"
                    + call.getLocalName());
            return;
        }
        Map<String, String> fields = SoapMessages.texts(call);
        Element credentials = SoapMessages.child(call, "Credentials");
        Map<String, String> login = credentials == null ? Map.of() : SoapMessages.texts(credentials);
        if (!loginId.equals(login.get("LoginId")) || !password.equals(login.get("Password"))
                || !expectedHash().equals(login.get("DailyHash"))) {
            refusedLogins.incrementAndGet();
            SoapMessages.sendFault(exchange, "env:Server", "AUTHENTICATION_FAILED");
            return;
        }
        switch (call.getLocalName()) {
            case "GetCompanyByVat" -> company(exchange, fields.getOrDefault("VatNumber", ""));
            case "GetAlerts" -> alerts(exchange, fields.get("Since"));
            default -> SoapMessages.sendFault(exchange, "env:Client", "Unknown operation " + call.getLocalName());
        }
    }

    private void company(HttpExchange exchange, String number) throws IOException {
        companyRequests.incrementAndGet();
        if (!number.matches("[01][0-9]{9}")) {
            SoapMessages.sendFault(exchange, "env:Server", "INVALID_VAT_NUMBER");
            return;
        }
        StringBuilder body = new StringBuilder("<cw:GetCompanyByVatResponse xmlns:cw=\"" + NS + "\">");
        situation(number).ifPresent(company -> {
            Map<String, String> elements = new LinkedHashMap<>();
            elements.put("VatNumber", number);
            elements.put("Name", company.name());
            elements.put("Status", company.status());
            elements.put("StatusDate", company.statusDate() == null ? null : company.statusDate().toString());
            elements.put("Barometer", company.barometer() == null ? null : company.barometer().toPlainString());
            elements.put("CreditLimit", company.creditLimit());
            body.append("<cw:Company>").append(elements(elements)).append("</cw:Company>");
        });
        body.append("</cw:GetCompanyByVatResponse>");
        SoapMessages.send(exchange, 200, SoapMessages.XML, SoapMessages.envelope(body.toString()));
    }

    private void alerts(HttpExchange exchange, String since) throws IOException {
        Instant after;
        try {
            after = Instant.parse(since == null ? "" : since);
        } catch (DateTimeParseException e) {
            SoapMessages.sendFault(exchange, "env:Client", "Since is not a dateTime");
            return;
        }
        StringBuilder body = new StringBuilder("<cw:GetAlertsResponse xmlns:cw=\"" + NS + "\">");
        alerts.stream().filter(alert -> alert.raisedAt().isAfter(after)).forEach(alert -> {
            Map<String, String> elements = new LinkedHashMap<>();
            elements.put("AlertId", alert.id());
            elements.put("VatNumber", alert.enterpriseNumber());
            elements.put("RaisedAt", alert.raisedAt().toString());
            elements.put("Type", alert.type());
            elements.put("OldValue", alert.oldValue());
            elements.put("NewValue", alert.newValue());
            elements.put("Description", alert.description());
            body.append("<cw:Alert>").append(elements(elements)).append("</cw:Alert>");
        });
        body.append("</cw:GetAlertsResponse>");
        SoapMessages.send(exchange, 200, SoapMessages.XML, SoapMessages.envelope(body.toString()));
    }

    /** What Companyweb says of the company now: changed by a test, else from the portfolio. */
    private Optional<Situation> situation(String enterpriseNumber) {
        Situation override = changed.get(enterpriseNumber);
        if (override != null) {
            return Optional.of(override);
        }
        return portfolio.companies().stream()
                .filter(company -> company.vat().equals("BE" + enterpriseNumber))
                .findFirst()
                .map(company -> new Situation(company.name(), "ACTIVE", null, company.providerScore() == null ? null
                        : BigDecimal.valueOf(company.providerScore() - 50L).divide(BigDecimal.TEN, 1, RoundingMode.UNNECESSARY),
                        company.creditLimit()));
    }

    private void raise(String enterpriseNumber, String type, String oldValue, String newValue, String description) {
        alerts.add(new Alert("CW-" + (alerts.size() + 1), enterpriseNumber, clock.instant(), type, oldValue, newValue,
                description));
    }

    private String expectedHash() {
        try {
            String day = LocalDate.ofInstant(clock.instant(), BRUSSELS).format(DateTimeFormatter.BASIC_ISO_DATE);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest((day + loginId + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private static IllegalArgumentException unknown(String enterpriseNumber) {
        return new IllegalArgumentException("no Belgian sandbox company with enterprise number " + enterpriseNumber);
    }

    private static String elements(Map<String, String> elements) {
        StringBuilder xml = new StringBuilder();
        elements.forEach((name, value) -> {
            if (value != null) {
                xml.append("<cw:").append(name).append('>').append(SoapMessages.escape(value)).append("</cw:").append(name).append('>');
            }
        });
        return xml.toString();
    }

    private record Situation(String name, String status, LocalDate statusDate, BigDecimal barometer, String creditLimit) {
    }

    private record Alert(String id, String enterpriseNumber, Instant raisedAt, String type, String oldValue,
                         String newValue, String description) {
    }
}
