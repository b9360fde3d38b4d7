package com.encours.hub.bureau.companyweb;

import com.encours.hub.bureau.BureauAlert;
import com.encours.hub.bureau.BureauClient;
import com.encours.hub.bureau.BureauMonitoring;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.mapping.JsonataMapper;
import com.encours.hub.core.mapping.MappingException;
import com.encours.hub.core.model.CreditAssessment;
import com.encours.hub.core.model.Debtor;
import com.encours.hub.core.model.DebtorIdentifier;
import com.encours.hub.core.model.IdentifierScheme;
import com.encours.hub.core.partner.SoapService;
import com.encours.hub.core.partner.PartnerAuthenticationException;
import com.encours.hub.core.partner.PartnerException;
import com.encours.hub.core.partner.RetryPolicy;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapHeader;
import org.apache.cxf.staxutils.StaxUtils;
import org.apache.cxf.transport.http.HTTPException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLStreamException;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Speaks the Companyweb (Belgium) B2B SOAP service ({@code companyweb-soap}) through a Camel CXF endpoint in
 * PAYLOAD mode, built from the reconstructed WSDL: {@code GetCompanyByVat} for an assessment (barometer score,
 * recommended credit limit in EUR, legal situation), {@code GetAlerts} for the changes on monitored companies.
 * <p>
 * Every call carries the login, the password and the day's hash (SHA-1 of the Brussels date, the login and
 * the password). A refused login is not tried again, and the same credentials are not sent again for
 * {@code loginRetryBlock}, so that redelivered messages cannot get the account blocked. Transient faults
 * (service unavailable, quota used up, HTTP 5xx, network) are tried again in place within the descriptor's
 * retry budget. Answers are read by CXF's StAX reader, which refuses DTDs and entities, within limits
 * sized for an alert list of a few thousand entries.
 */
@Component
public class CompanywebClient implements BureauClient, BureauMonitoring {

    public static final String PROTOCOL = "companyweb-soap";
    static final String PROVIDER = "companyweb";
    static final String NS = "http://ws.companyweb.be/b2b";
    private static final String WSDL = "wsdl/companywebB2B.wsdl";
    private static final QName SERVICE = new QName(NS, "CompanywebService");
    private static final QName PORT = new QName(NS, "CompanywebPort");
    /** Companyweb's day, for the daily hash: the hub's UTC date is a different day for an hour or two. */
    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    private static final DateTimeFormatter HASH_DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Map<String, Object> XML_LIMITS = Map.of(
            StaxUtils.MAX_ELEMENT_DEPTH, 12,
            StaxUtils.MAX_CHILD_ELEMENTS, 10_000,
            StaxUtils.MAX_ELEMENT_COUNT, 100_000L,
            StaxUtils.MAX_ATTRIBUTE_COUNT, 20,
            StaxUtils.MAX_ATTRIBUTE_SIZE, 1024,
            StaxUtils.MAX_TEXT_LENGTH, 8192,
            StaxUtils.MAX_XML_CHARACTERS, 8L * 1024 * 1024);
    private static final Logger log = LoggerFactory.getLogger(CompanywebClient.class);

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final JsonataMapper mapper;
    private final ObjectMapper json;
    private final Duration assessmentTtl;
    private final Clock clock;
    private final ConcurrentMap<ConnectorInstance, CxfEndpoint> endpoints = new ConcurrentHashMap<>();
    /** Per connector id: until when a refused login is not tried again, and for which login. */
    private final ConcurrentMap<String, Refusal> refusals = new ConcurrentHashMap<>();

    @Autowired
    public CompanywebClient(CamelContext camel, JsonataMapper mapper, ObjectMapper json,
                            @Value("${hub.bureau.assessment-ttl:P30D}") Duration assessmentTtl) {
        this(camel, mapper, json, assessmentTtl, Clock.systemUTC());
    }

    public CompanywebClient(CamelContext camel, JsonataMapper mapper, ObjectMapper json, Duration assessmentTtl,
                            Clock clock) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.mapper = mapper;
        this.json = json;
        this.assessmentTtl = assessmentTtl;
        this.clock = clock;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public CreditAssessment assess(ConnectorInstance connector, Debtor debtor) {
        checkProtocol(connector);
        Instant fetchedAt = clock.instant();
        String enterpriseNumber = enterpriseNumber(debtor);
        if (enterpriseNumber == null) {
            return new CreditAssessment(PROVIDER, null, null, null, null, "Not rated: Companyweb only knows Belgian "
                    + "companies, and the debtor has no BE VAT or enterprise number", null, null, null, fetchedAt,
                    fetchedAt.plus(assessmentTtl));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("VatNumber", enterpriseNumber);
        parameters.put("Language", connector.property("language"));
        Element answer = call(connector, "GetCompanyByVat", parameters, "GetCompanyByVat " + enterpriseNumber);
        String company;
        try {
            company = json.writeValueAsString(content(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write Companyweb's answer as JSON", e);
        }
        Object mapped = mapper.map(connector.mapping("assessment"), company, Map.of(
                "enterpriseNumber", enterpriseNumber,
                "fetchedAt", fetchedAt.toString(),
                "validUntil", fetchedAt.plus(assessmentTtl).toString()));
        try {
            return mapper.convert(mapped, CreditAssessment.class);
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() instanceof JsonProcessingException cause ? cause.getOriginalMessage() : e.getMessage();
            throw new MappingException(connector.mapping("assessment"), "the company gave an invalid assessment: " + reason);
        }
    }

    @Override
    public List<BureauAlert> changesSince(ConnectorInstance connector, Instant since) {
        checkProtocol(connector);
        Element answer = call(connector, "GetAlerts", Map.of("Since", since.toString()), "GetAlerts since " + since);
        List<BureauAlert> alerts = new ArrayList<>();
        for (Element alert : children(answer)) {
            Map<String, Object> fields = content(alert);
            String vat = DebtorIdentifier.normalise(text(fields, "VatNumber"));
            String raisedAt = text(fields, "RaisedAt");
            if (vat == null || raisedAt == null) {
                throw new PartnerException(connector.id(), 200, false, "GetAlerts answered an alert without "
                        + "VatNumber or RaisedAt: " + fields, null);
            }
            String digits = vat.startsWith("BE") ? vat.substring(2) : vat;
            String change = text(fields, "OldValue") == null && text(fields, "NewValue") == null ? ""
                    : " (" + text(fields, "OldValue") + " -> " + text(fields, "NewValue") + ")";
            alerts.add(new BureauAlert(text(fields, "AlertId"), PROVIDER, digits,
                    List.of(new DebtorIdentifier(IdentifierScheme.BE_KBO, digits),
                            new DebtorIdentifier(IdentifierScheme.VAT, "BE" + digits)),
                    instant(connector, raisedAt), text(fields, "Type"),
                    (text(fields, "Description") == null ? text(fields, "Type") : text(fields, "Description")) + change));
        }
        return alerts;
    }

    /** The debtor's ten-digit enterprise number, from its KBO/BCE number or its Belgian VAT number. */
    static String enterpriseNumber(Debtor debtor) {
        String kbo = debtor.identifier(IdentifierScheme.BE_KBO);
        if (kbo != null) {
            return kbo;
        }
        String vat = debtor.identifier(IdentifierScheme.VAT);
        return vat != null && vat.startsWith("BE") ? vat.substring(2) : null;
    }

    /**
     * The day's hash: SHA-1, lower-case hex, of yyyyMMdd (Brussels date), login and password concatenated. The
     * order and the case are this project's reading of Companyweb's description, not confirmed by a public
     * specification.
     */
    static String dailyHash(String loginId, String password, LocalDate day) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((day.format(HASH_DATE) + loginId + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private Element call(ConnectorInstance connector, String operation, Map<String, String> parameters, String target) {
        RetryPolicy policy = RetryPolicy.of(connector.descriptor().spec().retry());
        for (int attempt = 1; ; attempt++) {
            try {
                return callOnce(connector, operation, parameters, target);
            } catch (PartnerException e) {
                if (!e.isTransient() || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                Duration wait = policy.backoffAfter(attempt);
                log.warn("{}; trying again in {} ms", e.getMessage(), wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Element callOnce(ConnectorInstance connector, String operation, Map<String, String> parameters,
                             String target) {
        String loginId = connector.property("loginId");
        String password = connector.property("password");
        Refusal refusal = refusals.get(connector.id());
        Instant now = clock.instant();
        if (refusal != null && refusal.loginId().equals(loginId) && refusal.password().equals(password)
                && now.isBefore(refusal.until())) {
            throw new PartnerAuthenticationException(connector.id(), 401, "Companyweb refused these credentials; they "
                    + "are not sent again before " + refusal.until() + " so the account is not blocked (fix them, "
                    + "then retry)");
        }
        Element request = request(operation, loginId, password, dailyHash(loginId, password,
                LocalDate.ofInstant(now, BRUSSELS)), parameters);
        Exchange reply = producer.send(endpoint(connector), exchange -> {
            exchange.getIn().setHeader(CxfConstants.OPERATION_NAME, operation);
            exchange.getIn().setHeader(CxfConstants.OPERATION_NAMESPACE, NS);
            exchange.getIn().setBody(new CxfPayload<SoapHeader>(null, List.of(request)));
        });
        if (reply.getException() != null) {
            PartnerException failure = failure(connector, target, reply.getException());
            if (failure instanceof PartnerAuthenticationException) {
                refusals.put(connector.id(), new Refusal(loginId, password,
                        now.plus(connector.durationProperty("loginRetryBlock"))));
            }
            throw failure;
        }
        CxfPayload<?> payload = reply.getMessage().getBody(CxfPayload.class);
        List<Element> body = payload == null ? List.of() : payload.getBody();
        if (body.size() != 1 || !NS.equals(body.get(0).getNamespaceURI())
                || !(operation + "Response").equals(body.get(0).getLocalName())) {
            throw new PartnerException(connector.id(), 200, false, target + ": Companyweb answered something else "
                    + "than a " + operation + "Response", null);
        }
        refusals.remove(connector.id());
        return body.get(0);
    }

    /** The operation's wrapper: the credentials, then one element per parameter (null ones left out). */
    private static Element request(String operation, String loginId, String password, String hash,
                                   Map<String, String> parameters) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            Document document = factory.newDocumentBuilder().newDocument();
            Element wrapper = document.createElementNS(NS, "cw:" + operation);
            Element credentials = document.createElementNS(NS, "cw:Credentials");
            append(credentials, "LoginId", loginId);
            append(credentials, "Password", password);
            append(credentials, "DailyHash", hash);
            wrapper.appendChild(credentials);
            parameters.forEach((name, value) -> append(wrapper, name, value));
            document.appendChild(wrapper);
            return wrapper;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no DOM implementation to build a Companyweb request", e);
        }
    }

    private static void append(Element parent, String name, String value) {
        if (value != null) {
            Element child = parent.getOwnerDocument().createElementNS(NS, "cw:" + name);
            child.setTextContent(value);
            parent.appendChild(child);
        }
    }

    /**
     * An element's content as the mapping reads it: child elements by local name, a leaf as its text (null
     * when marked xsi:nil), a name seen twice as a list.
     */
    private static Map<String, Object> content(Element element) {
        Map<String, List<Object>> byName = new LinkedHashMap<>();
        for (Element child : children(element)) {
            boolean nil = "true".equals(child.getAttributeNS(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI, "nil"));
            Object value = !children(child).isEmpty() ? content(child) : nil ? null : child.getTextContent();
            byName.computeIfAbsent(child.getLocalName(), name -> new ArrayList<>()).add(value);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        byName.forEach((name, values) -> fields.put(name, values.size() == 1 ? values.get(0) : values));
        return fields;
    }

    private static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                children.add(element);
            }
        }
        return children;
    }

    private static String text(Map<String, Object> fields, String name) {
        return fields.get(name) instanceof String value && !value.isBlank() ? value.strip() : null;
    }

    private static Instant instant(ConnectorInstance connector, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new PartnerException(connector.id(), 200, false, "GetAlerts answered RaisedAt '" + value
                    + "', which is not an instant", e);
        }
    }

    /**
     * What went wrong, from CXF's exception: a Companyweb fault by its code, an HTTP error or a network failure
     * (transient), or an answer CXF would not read (not transient: the same answer will come back).
     */
    private static PartnerException failure(ConnectorInstance connector, String target, Exception exception) {
        SoapFault soapFault = cause(exception, SoapFault.class);
        if (soapFault != null) {
            CompanywebFault fault = CompanywebFault.of(soapFault.getMessage()).orElse(null);
            if (fault == CompanywebFault.AUTHENTICATION_FAILED) {
                return new PartnerAuthenticationException(connector.id(), 401, target + ": " + fault.meaning());
            }
            String reason = fault == null ? "fault '" + soapFault.getMessage() + "', which the hub does not know"
                    : fault.name() + ": " + fault.meaning();
            return new PartnerException(connector.id(), soapFault.getStatusCode(), fault != null && fault.isTransient(),
                    target + ": Companyweb answered " + reason, null);
        }
        XMLStreamException unreadable = cause(exception, XMLStreamException.class);
        if (unreadable != null) {
            return new PartnerException(connector.id(), 0, false, target + ": Companyweb's answer was refused as XML: "
                    + unreadable.getMessage(), exception);
        }
        HTTPException http = cause(exception, HTTPException.class);
        if (http != null) {
            int status = http.getResponseCode();
            return new PartnerException(connector.id(), status, status >= 500 || status == 408 || status == 429,
                    target + ": Companyweb answered HTTP " + status + " without a SOAP fault", exception);
        }
        IOException network = cause(exception, IOException.class);
        if (network != null) {
            return new PartnerException(connector.id(), 0, true, target + ": Companyweb unreachable: " + network, exception);
        }
        return new PartnerException(connector.id(), 0, false, target + ": Companyweb call failed: " + exception, exception);
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static void checkProtocol(ConnectorInstance connector) {
        connector.requireProtocol(PROTOCOL);
    }

    private CxfEndpoint endpoint(ConnectorInstance connector) {
        return endpoints.computeIfAbsent(connector, this::createEndpoint);
    }

    private CxfEndpoint createEndpoint(ConnectorInstance connector) {
        return new SoapService(WSDL, SERVICE, PORT, XML_LIMITS).payloadEndpoint(camel, "companyweb-" + connector.id(),
                connector.property("endpointUrl"), connector.durationProperty("connectTimeout"),
                connector.durationProperty("requestTimeout"));
    }

    private record Refusal(String loginId, String password, Instant until) {
    }
}
