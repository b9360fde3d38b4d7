package com.encours.hub.sandbox;

import com.sun.net.httpserver.HttpExchange;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** What the SOAP 1.1 simulators share: reading a request safely, writing envelopes and faults. */
final class SoapMessages {

    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String XML = "text/xml; charset=UTF-8";
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private SoapMessages() {
    }

    /**
     * The operation element, first child of the SOAP body, read with a parser that refuses DTDs and external
     * entities, from a request of at most 64 KiB.
     *
     * @throws IllegalArgumentException when the request is larger, or has no SOAP 1.1 body with an element
     */
    static Element operation(InputStream request) throws IOException, ParserConfigurationException, SAXException {
        byte[] bytes = request.readNBytes(MAX_REQUEST_BYTES + 1);
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("request larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        Element envelope = factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes)).getDocumentElement();
        Element body = SOAP_NS.equals(envelope.getNamespaceURI()) ? child(envelope, "Body") : null;
        Element call = body == null ? null : child(body, null);
        if (call == null) {
            throw new IllegalArgumentException("no SOAP 1.1 Body with an operation element");
        }
        return call;
    }

    /** The first child element named {@code localName}, or the first child element when it is null. */
    static Element child(Element parent, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && (localName == null || localName.equals(element.getLocalName()))) {
                return element;
            }
        }
        return null;
    }

    /** The child elements' trimmed texts by local name. */
    static Map<String, String> texts(Element parent) {
        Map<String, String> texts = new HashMap<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                texts.put(element.getLocalName(), element.getTextContent().trim());
            }
        }
        return texts;
    }

    static String envelope(String body) {
        return "<env:Envelope xmlns:env=\"" + SOAP_NS + "\"><env:Header/><env:Body>" + body + "</env:Body></env:Envelope>";
    }

    /** @param faultCode {@code env:Server} or {@code env:Client} */
    static String faultEnvelope(String faultCode, String faultString) {
        return envelope("<env:Fault><faultcode>" + faultCode + "</faultcode><faultstring>" + escape(faultString)
                + "</faultstring></env:Fault>");
    }

    /** A fault answers HTTP 500, as SOAP 1.1 over HTTP wants. */
    static void sendFault(HttpExchange exchange, String faultCode, String faultString) throws IOException {
        send(exchange, 500, XML, faultEnvelope(faultCode, faultString));
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
