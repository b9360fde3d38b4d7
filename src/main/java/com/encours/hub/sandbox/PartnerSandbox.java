package com.encours.hub.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server on the loopback interface that plays the partners (ERP, bureau, finance webhook
 * receiver) for the default run and for tests. It lives outside the hub's web server on purpose:
 * the hub reaches it over HTTP exactly as it would reach the real partner.
 */
public class PartnerSandbox implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PartnerSandbox.class);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    public PartnerSandbox(int port, List<SandboxSimulator> simulators) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        for (SandboxSimulator simulator : simulators) {
            server.createContext(simulator.pathPrefix(), exchange -> serve(simulator, exchange));
        }
        server.setExecutor(executor);
        server.start();
        log.info("Partner sandbox listening on http://localhost:{} ({})", port(),
                simulators.stream().map(SandboxSimulator::pathPrefix).toList());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    private static void serve(SandboxSimulator simulator, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!simulator.faults().apply(exchange)) {
                simulator.handle(exchange);
            }
        } catch (RuntimeException e) {
            log.warn("Sandbox {} failed on {}", simulator.pathPrefix(), exchange.getRequestURI().getPath(), e);
            exchange.sendResponseHeaders(500, -1);
        }
    }

    @Override
    public void destroy() {
        server.stop(0);
        executor.shutdownNow();
    }
}
