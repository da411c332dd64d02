package dev.strobe.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;

/** The HTTP endpoint Prometheus scrapes ({@code /metrics}), started only with --metrics-port. */
public final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /** @param port the port, 0 for any free port */
    public static MetricsEndpoint start(PrometheusMetrics metrics, String host, int port) throws IOException {
        return new MetricsEndpoint(HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(metrics.registry())
                .buildAndStart());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
