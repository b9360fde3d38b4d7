package com.encours.hub.sandbox;

import com.sun.net.httpserver.HttpHandler;

/**
 * One simulated partner served by the {@link PartnerSandbox}: it answers under its own path prefix with
 * the request and response shapes of the partner's public API, errors included.
 */
public interface SandboxSimulator extends HttpHandler {

    /** Path prefix served, e.g. {@code /bc}. */
    String pathPrefix();

    /** Faults to inject before the normal answer; tests script outages through it. */
    FaultPlan faults();
}
