package com.encours.hub.core.partner;

import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfComponent;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;

import javax.xml.namespace.QName;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SOAP partner the hub calls through Camel CXF in PAYLOAD mode, built from its WSDL under the classpath.
 *
 * @param xmlLimits CXF's StAX limits for the answers ({@code StaxUtils.MAX_*}), sized for what the partner
 *                  documents: an answer beyond them fails the call before it is mapped
 */
public record SoapService(String wsdl, QName service, QName port, Map<String, Object> xmlLimits) {

    /** A client endpoint at {@code address}, hardened and with the connector's timeouts. */
    public CxfEndpoint payloadEndpoint(CamelContext camel, String name, String address, Duration connectTimeout,
                                       Duration requestTimeout) {
        CxfEndpoint endpoint = new CxfEndpoint("cxf://" + name, camel.getComponent("cxf", CxfComponent.class));
        endpoint.setCamelContext(camel);
        endpoint.setAddress(address);
        endpoint.setWsdlURL(wsdl);
        endpoint.setServiceNameAsQName(service);
        endpoint.setPortNameAsQName(port);
        endpoint.setDataFormat(DataFormat.PAYLOAD);
        // read the whole answer inside the call, where the limits apply and a refusal fails the call
        endpoint.setAllowStreaming(false);
        endpoint.setProperties(new LinkedHashMap<>(xmlLimits));
        // faults are expected answers, reported by the client without CXF's stack traces
        endpoint.setSkipFaultLogging(true);
        endpoint.setCxfConfigurer(new CxfTimeouts(connectTimeout, requestTimeout));
        return endpoint;
    }
}
