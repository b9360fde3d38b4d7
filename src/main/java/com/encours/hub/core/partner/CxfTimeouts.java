package com.encours.hub.core.partner;

import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;

import java.time.Duration;

/**
 * A SOAP connector's timeouts on CXF's HTTP conduit, for a Camel CXF endpoint the hub only ever calls.
 * Redirects are not followed: a SOAP partner that redirects is misconfigured, and a redirect must not carry
 * the request's credentials elsewhere.
 */
public record CxfTimeouts(Duration connect, Duration receive) implements CxfConfigurer {

    @Override
    public void configure(AbstractWSDLBasedEndpointFactory factoryBean) {
        // nothing beyond the endpoint's own settings
    }

    @Override
    public void configureClient(Client client) {
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(connect.toMillis());
        policy.setReceiveTimeout(receive.toMillis());
        policy.setAutoRedirect(false);
        ((HTTPConduit) client.getConduit()).setClient(policy);
    }

    @Override
    public void configureServer(Server server) {
        // the hub is only ever the client
    }
}
