package dev.strobe.http;

import dev.strobe.errors.StrobeException;
import dev.strobe.service.auth.AuthTokens;
import dev.strobe.service.stream.GenerationStreams;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP frontend's routes, as one Jetty handler: {@code POST /v1/images/generations},
 * {@code GET /v1/models}, {@code GET /healthz}, {@code GET /readyz}, and the web page at {@code /}.
 * Checks the bearer token (the gRPC frontend's), the content type and the body size before a
 * request reaches the service; answers every problem with OpenAI's error body and the right
 * status, never a stack trace. Runs on Jetty's threads.
 */
final class HttpFrontend extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);
    static final String IMAGES = "/v1/images/generations";
    static final String MODELS = "/v1/models";

    private final HttpSettings settings;
    private final ImagesEndpoint images;
    private final ModelsEndpoint models;
    private final ProbeEndpoints probes;
    private final StaticPage page = new StaticPage();

    HttpFrontend(
            HttpSettings settings,
            GenerationStreams streams,
            BooleanSupplier ready,
            HeartbeatTimer heartbeats,
            long startedAtSeconds) {
        this.settings = settings;
        this.images = new ImagesEndpoint(streams, settings, heartbeats);
        this.models = new ModelsEndpoint(streams.service(), startedAtSeconds);
        this.probes = new ProbeEndpoints(ready);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        ResponseChannel out = new JettyExchange(response, callback);
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            switch (path) {
                case IMAGES -> {
                    if (allowed(method, "POST", out)) {
                        generate(request, out);
                    }
                }
                case MODELS -> {
                    if (allowed(method, "GET", out)) {
                        authenticate(request);
                        models.list(out);
                    }
                }
                case "/healthz", "/readyz" -> {
                    if (allowed(method, "GET", out)) {
                        if (settings.protectProbes()) {
                            authenticate(request);
                        }
                        if (path.equals("/healthz")) {
                            probes.healthz(out);
                        } else {
                            probes.readyz(out);
                        }
                    }
                }
                default -> {
                    if (page.serves(path) && allowed(method, "GET", out)) {
                        page.serve(path, out);
                    } else if (!page.serves(path)) {
                        HttpErrors.respond(
                                out,
                                404,
                                "no such endpoint: " + method + " " + shown(path) + "; this server has POST " + IMAGES
                                        + ", GET " + MODELS + ", GET /healthz, GET /readyz",
                                "not_found");
                    }
                }
            }
        } catch (StrobeException e) {
            HttpErrors.respond(out, e);
        } catch (RuntimeException e) {
            log.error("HTTP {} {} failed", method, shown(path), e);
            HttpErrors.respond(
                    out,
                    500,
                    "internal error (" + e.getClass().getSimpleName() + "); the server keeps"
                            + " serving, please report it",
                    "internal_error");
        }
        return true;
    }

    private void generate(Request request, ResponseChannel out) {
        AuthTokens.Grant grant = authenticate(request);
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            HttpErrors.respond(
                    out,
                    415,
                    "the request body must be JSON: send Content-Type: application/json (got "
                            + (type == null ? "none" : shown(type)) + ")",
                    "unsupported_media_type");
            return;
        }
        long declared = request.getLength();
        if (declared > settings.maxBodyBytes()) {
            tooLarge(out, declared);
            return;
        }
        String timeout = request.getHeaders().get(ImagesEndpoint.TIMEOUT_HEADER);
        Content.Source.asByteArrayAsync(request, settings.maxBodyBytes()).whenComplete((body, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                if (cause instanceof IllegalArgumentException) {
                    tooLarge(out, -1);
                } else {
                    out.abort(cause); // the client went away while sending
                }
                return;
            }
            try {
                images.generate(body, grant, timeout, out, r -> request.addFailureListener(x -> r.run()));
            } catch (StrobeException e) {
                HttpErrors.respond(out, e);
            } catch (RuntimeException e) {
                log.error("HTTP image generation failed", e);
                HttpErrors.respond(
                        out,
                        500,
                        "internal error (" + e.getClass().getSimpleName() + "); the server keeps"
                                + " serving, please report it",
                        "internal_error");
            }
        });
    }

    private void tooLarge(ResponseChannel out, long declared) {
        HttpErrors.respond(
                out,
                413,
                "the request body" + (declared > 0 ? " has " + declared + " bytes and" : "")
                        + " is larger than this server's limit of " + settings.maxBodyBytes() + " bytes",
                "request_too_large");
    }

    private AuthTokens.Grant authenticate(Request request) {
        AuthTokens tokens = settings.tokens();
        return tokens == null ? null : tokens.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    }

    private static boolean allowed(String method, String expected, ResponseChannel out) {
        if (method.equals(expected) || (expected.equals("GET") && method.equals("HEAD"))) {
            return true;
        }
        out.header("Allow", expected);
        HttpErrors.respond(
                out, 405, "method " + shown(method) + " is not allowed here; use " + expected, "method_not_allowed");
        return false;
    }

    private static String shown(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
