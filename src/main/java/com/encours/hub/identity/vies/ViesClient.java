package com.encours.hub.identity.vies;

import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.core.partner.SoapService;
import com.encours.hub.core.partner.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLStreamException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Speaks the EU VIES checkVatService ({@code vies-soap}) through a Camel CXF endpoint in PAYLOAD mode, built
 * from the service's WSDL: {@code checkVat}, or {@code checkVatApprox} with the connector's requester VAT
 * number so that VIES answers a consultation number. It hands the answer's fields over verbatim (element
 * name to text); mapping them is the caller's business.
 * <p>
 * Transient outcomes (a busy or unavailable VIES or member state, a network error, an HTTP 5xx without a
 * SOAP fault) are tried again in place within the descriptor's retry budget, then reported with the
 * connector's retry-after. The answer is read by CXF's StAX reader, which refuses DTDs and entities, within
 * limits far above what a checkVat answer needs (a few hundred bytes, a dozen elements).
 */
public class ViesClient {

    public static final String PROTOCOL = "vies-soap";
    static final String TYPES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat:types";
    private static final String SERVICE_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat";
    private static final String WSDL = "wsdl/checkVatService.wsdl";
    private static final QName SERVICE = new QName(SERVICE_NS, "checkVatService");
    private static final QName PORT = new QName(SERVICE_NS, "checkVatPort");
    private static final Map<String, Object> XML_LIMITS = Map.of(
            StaxUtils.MAX_ELEMENT_DEPTH, 10,
            StaxUtils.MAX_CHILD_ELEMENTS, 50,
            StaxUtils.MAX_ELEMENT_COUNT, 200L,
            StaxUtils.MAX_ATTRIBUTE_COUNT, 20,
            StaxUtils.MAX_ATTRIBUTE_SIZE, 1024,
            StaxUtils.MAX_TEXT_LENGTH, 4096,
            StaxUtils.MAX_XML_CHARACTERS, 64L * 1024);
    private static final Logger log = LoggerFactory.getLogger(ViesClient.class);

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final MeterRegistry meters;
    /** One endpoint per connector as configured (address, timeouts): CXF reads the WSDL once per endpoint. */
    private final ConcurrentMap<ConnectorInstance, CxfEndpoint> endpoints = new ConcurrentHashMap<>();

    public ViesClient(CamelContext camel, MeterRegistry meters) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.meters = meters;
    }

    /**
     * Asks VIES about {@code number} with checkVat, or with checkVatApprox when a {@code requester} is given,
     * and returns the fields of its answer by element name; an element marked {@code xsi:nil} has a null value.
     *
     * @param requester the connector's own VAT number, or null
     * @throws ViesException when VIES answers a fault, cannot be reached, or answers something else
     */
    public Map<String, String> check(ConnectorInstance connector, VatNumber number, VatNumber requester) {
        connector.requireProtocol(PROTOCOL);
        RetryPolicy policy = RetryPolicy.of(connector.descriptor().spec().retry());
        for (int attempt = 1; ; attempt++) {
            try {
                return call(connector, number, requester);
            } catch (ViesException e) {
                if (!e.isTransient() || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                Duration wait = policy.backoffAfter(attempt);
                log.warn("{}; trying again in {} ms", e.getMessage(), wait.toMillis());
                pause(connector, wait);
            }
        }
    }

    private Map<String, String> call(ConnectorInstance connector, VatNumber number, VatNumber requester) {
        String operation = requester == null ? "checkVat" : "checkVatApprox";
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("countryCode", number.countryCode());
        parameters.put("vatNumber", number.number());
        if (requester != null) {
            parameters.put("requesterCountryCode", requester.countryCode());
            parameters.put("requesterVatNumber", requester.number());
        }
        Element request = request(operation, parameters);
        Exchange reply = producer.send(endpoint(connector), exchange -> {
            exchange.getIn().setHeader(CxfConstants.OPERATION_NAME, operation);
            exchange.getIn().setHeader(CxfConstants.OPERATION_NAMESPACE, SERVICE_NS);
            exchange.getIn().setBody(new CxfPayload<SoapHeader>(null, List.of(request)));
        });
        String target = operation + " " + number;
        if (reply.getException() != null) {
            ViesException failure = failure(connector, target, reply.getException());
            count(connector, failure.fault().map(Enum::name).orElse(failure.isTransient() ? "unreachable" : "unreadable"));
            throw failure;
        }
        CxfPayload<?> payload = reply.getMessage().getBody(CxfPayload.class);
        List<Element> body = payload == null ? List.of() : payload.getBody();
        Element answer = body.size() == 1 ? body.get(0) : null;
        if (answer == null || !TYPES_NS.equals(answer.getNamespaceURI())
                || !(operation + "Response").equals(answer.getLocalName())) {
            count(connector, "unreadable");
            throw new ViesException(connector.id(), 200, null, target + ": VIES answered " + describe(body)
                    + " instead of a " + operation + "Response", null, null);
        }
        count(connector, "answered");
        return fields(connector, target, answer);
    }

    /** The call's wrapper element in the VIES types namespace, one child per parameter. */
    private static Element request(String operation, Map<String, String> parameters) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            Document document = factory.newDocumentBuilder().newDocument();
            Element wrapper = document.createElementNS(TYPES_NS, "urn:" + operation);
            parameters.forEach((name, value) -> {
                Element parameter = document.createElementNS(TYPES_NS, "urn:" + name);
                parameter.setTextContent(value);
                wrapper.appendChild(parameter);
            });
            document.appendChild(wrapper);
            return wrapper;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no DOM implementation to build a VIES request", e);
        }
    }

    /** The answer's child elements by local name; two with the same name make it ambiguous, so it is refused. */
    private static Map<String, String> fields(ConnectorInstance connector, String target, Element answer) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                boolean nil = "true".equals(element.getAttributeNS(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI, "nil"));
                if (fields.containsKey(element.getLocalName())) {
                    throw new ViesException(connector.id(), 200, null, target + ": VIES answered "
                            + element.getLocalName() + " twice", null, null);
                }
                fields.put(element.getLocalName(), nil ? null : element.getTextContent());
            }
        }
        return fields;
    }

    /**
     * What went wrong, from the exception CXF gave: a VIES fault by its code, an HTTP error or a network
     * failure (transient), or an answer CXF could not or would not read (not transient: the same answer
     * will come back).
     */
    private static ViesException failure(ConnectorInstance connector, String target, Exception exception) {
        SoapFault soapFault = cause(exception, SoapFault.class);
        if (soapFault != null && ViesFault.of(soapFault.getMessage()).isPresent()) {
            ViesFault fault = ViesFault.of(soapFault.getMessage()).get();
            Duration retryAfter = switch (fault.kind()) {
                case BUSY -> connector.durationProperty("retryAfterWhenBusy");
                case UNAVAILABLE -> connector.durationProperty("retryAfterWhenUnavailable");
                case REFUSED -> null;
            };
            return new ViesException(connector.id(), soapFault.getStatusCode(), fault, target + ": VIES answered "
                    + fault.name() + ": " + fault.meaning(), retryAfter, null);
        }
        XMLStreamException unreadable = cause(exception, XMLStreamException.class);
        if (unreadable != null) {
            return new ViesException(connector.id(), 0, null, target + ": VIES's answer was refused as XML: "
                    + unreadable.getMessage(), null, exception);
        }
        if (soapFault != null) {
            return new ViesException(connector.id(), soapFault.getStatusCode(), null, target + ": VIES answered "
                    + soapFault.getFaultCode().getLocalPart() + " fault '" + soapFault.getMessage()
                    + "', which VIES does not document", null, exception);
        }
        HTTPException http = cause(exception, HTTPException.class);
        if (http != null) {
            int status = http.getResponseCode();
            boolean transientStatus = status >= 500 || status == 408 || status == 429;
            return new ViesException(connector.id(), status, null, target + ": VIES answered HTTP " + status
                    + " without a SOAP fault", transientStatus ? connector.durationProperty("retryAfterWhenUnavailable")
                    : null, exception);
        }
        IOException network = cause(exception, IOException.class);
        if (network != null) {
            return new ViesException(connector.id(), 0, null, target + ": VIES unreachable: " + network,
                    connector.durationProperty("retryAfterWhenUnavailable"), exception);
        }
        String reason = exception.getMessage() == null ? exception.toString() : exception.getMessage();
        return new ViesException(connector.id(), 0, null, target + ": VIES call failed: " + reason, null, exception);
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static String describe(List<Element> body) {
        if (body.isEmpty()) {
            return "an empty body";
        }
        Element first = body.get(0);
        return "{" + first.getNamespaceURI() + "}" + first.getLocalName() + (body.size() > 1 ? " and more" : "");
    }

    private CxfEndpoint endpoint(ConnectorInstance connector) {
        return endpoints.computeIfAbsent(connector, this::createEndpoint);
    }

    private CxfEndpoint createEndpoint(ConnectorInstance connector) {
        return new SoapService(WSDL, SERVICE, PORT, XML_LIMITS).payloadEndpoint(camel, "vies-" + connector.id(),
                connector.property("endpointUrl"), connector.durationProperty("connectTimeout"),
                connector.durationProperty("requestTimeout"));
    }

    private void count(ConnectorInstance connector, String outcome) {
        meters.counter("hub.partner.calls", "connector", connector.id(), "outcome", outcome).increment();
    }

    private static void pause(ConnectorInstance connector, Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViesException(connector.id(), 0, null, "interrupted while waiting to ask VIES again", wait, e);
        }
    }
}
