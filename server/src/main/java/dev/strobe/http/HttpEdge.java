package dev.strobe.http;

import dev.strobe.service.stream.GenerationStreams;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server of strobe (Jetty 12): the OpenAI-compatible Images API with Server-Sent Events,
 * the model list, plain probes and the live-preview page, over HTTP/1.1 and HTTP/2 (h2c in plain
 * text, h2 by ALPN with TLS), with the gRPC frontend's TLS files and tokens. A thin writer over
 * the shared stream core: admission, stream semantics, rendering, the request log and the metrics
 * are the core's.
 *
 * <p>Readiness ({@code /readyz}) is false until {@link #setServing} and again, for good, once
 * {@link #drainStarted}; new generations are then refused by the service with 503.
 *
 * <p>Threads: built and started on the main thread; {@link #setServing} and {@link #drainStarted}
 * from any thread.
 */
public final class HttpEdge implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final HeartbeatTimer heartbeats = new HeartbeatTimer();
    private final AtomicBoolean serving = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    public HttpEdge(HttpSettings settings, GenerationStreams streams) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("strobe-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        if (settings.tlsCert() != null) {
            config.addCustomizer(new SecureRequestCustomizer(false));
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol(http1.getProtocol());
            SslConnectionFactory tls = new SslConnectionFactory(
                    PemTls.contextFactory(settings.tlsCert(), settings.tlsKey(), settings.tlsClientCa()),
                    alpn.getProtocol());
            connector = new ServerConnector(server, tls, alpn, h2, http1);
        } else {
            connector = new ServerConnector(server, http1, new HTTP2CServerConnectionFactory(config));
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(new HttpFrontend(
                settings,
                streams,
                () -> serving.get() && !draining.get(),
                heartbeats,
                System.currentTimeMillis() / 1000));
        server.setStopTimeout(5_000);
    }

    public HttpEdge start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(
                    "the HTTP frontend cannot start on " + connector.getHost() + ":" + connector.getPort() + ": "
                            + e.getMessage(),
                    e);
        }
        return this;
    }

    /** The bound port (for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Readiness on or off (ignored once draining started). */
    public void setServing(boolean s) {
        serving.set(s);
    }

    /** Draining: /readyz answers 503 for good; streams in flight go on. */
    public void drainStarted() {
        draining.set(true);
    }

    @Override
    public void close() {
        heartbeats.close();
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to save
        }
    }
}
