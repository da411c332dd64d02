package dev.strobe.loadtest.http;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.client.GenerationEvent;
import dev.strobe.client.GenerationListener;
import dev.strobe.client.StrobeException;
import dev.strobe.loadtest.driver.RequestSender;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends load-test requests to strobe's HTTP frontend ({@code POST /v1/images/generations} with
 * {@code stream: true}) through the JDK's {@link HttpClient} over HTTP/1.1, one connection per
 * stream in flight, and reports the Server-Sent Events as the gRPC client's events
 * ({@link SseEventParser}), so the load driver measures both frontends alike. A refusal (an HTTP
 * status other than 200) or an {@code error} event is {@code onError} with the matching gRPC code.
 * Thread-safe; {@link #send} returns once the request is started.
 */
public final class HttpRequestSender implements RequestSender {
    private final HttpClient http;
    private final URI endpoint;
    private final Duration timeout;

    /**
     * @param base the server, e.g. {@code http://localhost:8080}
     * @param timeout per-request limit (the JDK client's timeout); null means none
     */
    public HttpRequestSender(HttpClient http, URI base, Duration timeout) {
        this.http = http;
        this.endpoint = base.resolve("/v1/images/generations");
        this.timeout = timeout;
    }

    /** An HTTP/1.1 client for {@link #HttpRequestSender}. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Override
    public InFlight send(GenerateRequest request, GenerationListener listener) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(
                        OpenAiImagesRequest.of(request).toString()));
        if (timeout != null) {
            b.timeout(timeout);
        }
        Lines lines = new Lines(listener);
        http.sendAsync(b.build(), info -> {
                    lines.status = info.statusCode();
                    return HttpResponse.BodySubscribers.fromSubscriber(lines);
                })
                .whenComplete((response, error) -> {
                    if (error != null) {
                        lines.fail(Status.UNAVAILABLE
                                .withDescription("HTTP request failed: " + error)
                                .withCause(error));
                    }
                });
        return reason -> {
            lines.ended.set(true);
            Flow.Subscription s = lines.subscription.get();
            if (s != null) {
                s.cancel(); // closes the connection: the server cancels the generation at its next step
            }
        };
    }

    /** The body of one response, line by line; calls the listener until the stream's one end. */
    private static final class Lines implements Flow.Subscriber<List<ByteBuffer>> {
        private final GenerationListener listener;
        private final SseEventParser parser = new SseEventParser();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private final AtomicBoolean ended = new AtomicBoolean();
        private final List<String> errorBody = new ArrayList<>();
        private final LineSplitter splitter = new LineSplitter(this::line);
        private volatile int status;

        Lines(GenerationListener listener) {
            this.listener = listener;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            if (ended.get()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> chunks) {
            for (ByteBuffer b : chunks) {
                splitter.accept(b);
            }
        }

        private void line(String line) {
            if (ended.get()) {
                return;
            }
            if (status != 200) {
                errorBody.add(line);
                return;
            }
            try {
                for (GenerationEvent e : parser.line(line)) {
                    listener.onEvent(e);
                }
                if (parser.done()) {
                    ended.set(true); // the rest is the response's end; the connection goes back to the pool
                }
            } catch (SseEventParser.FailureException e) {
                fail(Status.fromCode(code(e.failure.code())).withDescription(e.failure.message()));
            } catch (RuntimeException e) {
                fail(Status.INTERNAL.withDescription("unreadable event: " + e));
            }
        }

        @Override
        public void onError(Throwable t) {
            fail(Status.UNAVAILABLE.withDescription("the stream broke: " + t).withCause(t));
        }

        @Override
        public void onComplete() {
            splitter.finish();
            if (status != 200) {
                fail(refusal(status, String.join("\n", errorBody)));
            } else {
                fail(Status.UNAVAILABLE.withDescription("the stream ended without its last image"));
            }
        }

        void fail(Status s) {
            if (ended.compareAndSet(false, true)) {
                Flow.Subscription sub = subscription.get();
                if (sub != null) {
                    sub.cancel();
                }
                listener.onError(StrobeException.of(s, 1));
            }
        }
    }

    /** A refusal's status as the gRPC status strobe's gRPC frontend gives for it. */
    static Status refusal(int httpStatus, String body) {
        String code = "";
        String message = body;
        try {
            JsonObject error = JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("error");
            code = error.get("code").getAsString();
            message = error.get("message").getAsString();
        } catch (RuntimeException notOpenAiShape) {
            // keep the raw body as the message
        }
        Status.Code c = switch (httpStatus) {
            case 400, 413, 415 -> Status.Code.INVALID_ARGUMENT;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.NOT_FOUND;
            case 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 503 -> Status.Code.UNAVAILABLE;
            case 504 -> Status.Code.DEADLINE_EXCEEDED;
            default -> code(code);
        };
        return Status.fromCode(c).withDescription("HTTP " + httpStatus + " " + code + ": " + message);
    }

    /** An OpenAI-shaped error code as a gRPC code. */
    static Status.Code code(String openAiCode) {
        return switch (openAiCode) {
            case "invalid_value", "request_too_large", "unsupported_media_type" -> Status.Code.INVALID_ARGUMENT;
            case "invalid_api_key" -> Status.Code.UNAUTHENTICATED;
            case "model_not_permitted" -> Status.Code.PERMISSION_DENIED;
            case "model_not_found", "not_found" -> Status.Code.NOT_FOUND;
            case "queue_full" -> Status.Code.RESOURCE_EXHAUSTED;
            case "unavailable" -> Status.Code.UNAVAILABLE;
            case "deadline_exceeded" -> Status.Code.DEADLINE_EXCEEDED;
            case "cancelled" -> Status.Code.CANCELLED;
            default -> Status.Code.INTERNAL;
        };
    }
}
