package dev.strobe.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.service.GenerationService;
import dev.strobe.service.auth.AuthTokens;
import dev.strobe.service.stream.GenerationStream;
import dev.strobe.service.stream.GenerationStreams;
import dev.strobe.service.stream.PreviewSelection;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code POST /v1/images/generations}: reads the body ({@link ImagesRequest}), admits it through
 * a generation stream of the shared core (one admission path with gRPC) and answers with OpenAI's
 * shapes: one JSON response, or with {@code stream: true} Server-Sent Events
 * ({@link SseEventWriter}). Refusals before the first byte are plain error responses with their
 * status; a failure after the stream began is an {@code error} event. The client going away
 * cancels the generation. Runs on Jetty's threads.
 */
final class ImagesEndpoint {
    /** The frontend's name in the request log and the metrics. */
    static final String FRONTEND = "http";
    /** An optional request header with a deadline for the request, e.g. {@code 30s} or {@code 500ms}. */
    static final String TIMEOUT_HEADER = "X-Strobe-Timeout";

    private final GenerationStreams streams;
    private final HttpSettings settings;
    private final HeartbeatTimer heartbeats;

    ImagesEndpoint(GenerationStreams streams, HttpSettings settings, HeartbeatTimer heartbeats) {
        this.streams = streams;
        this.settings = settings;
        this.heartbeats = heartbeats;
    }

    /**
     * Handles one request whose body was read.
     *
     * @param timeoutHeader the {@link #TIMEOUT_HEADER} value, or null
     * @param onClientGone registers what to run when the client goes away
     */
    void generate(
            byte[] body,
            AuthTokens.Grant grant,
            String timeoutHeader,
            ResponseChannel out,
            Consumer<Runnable> onClientGone) {
        GenerationService service = streams.service();
        long arrival = service.clock().getAsLong();
        ImagesRequest request;
        try {
            request = ImagesRequest.parse(json(body), service.catalog(), 4);
        } catch (StrobeException e) {
            GenerationStream refused = streams.open(FRONTEND);
            refused.refuse(e);
            HttpErrors.respond(out, e);
            return;
        }
        PreviewSelection selection = request.allPreviews()
                ? PreviewSelection.ALL
                : PreviewSelection.spreadBeforeLast(request.partialImages());
        GenerationStream stream = streams.open(FRONTEND, selection);
        onClientGone.accept(stream::cancel);
        try {
            stream.admit(request.command(), grant, request.user(), arrival, deadline(arrival, timeoutHeader));
        } catch (StrobeException e) {
            HttpErrors.respond(out, e);
            return;
        }
        if (!request.stream()) {
            stream.attach(new BufferedImagesWriter(out));
            return;
        }
        out.begin(200, "text/event-stream; charset=utf-8");
        out.header("Cache-Control", "no-cache");
        out.header("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        SseEventWriter writer = new SseEventWriter(out, service.clock(), settings.heartbeat());
        writer.bind(stream::onReady, stream::cancel);
        heartbeats.watch(writer);
        stream.attach(writer);
    }

    /** The deadline the timeout header asks for, on the service clock, or none. */
    private static long deadline(long arrival, String header) {
        if (header == null || header.isBlank()) {
            return GenerationSpec.NO_DEADLINE;
        }
        Duration d;
        try {
            d = dev.strobe.api.Durations.parse(header);
        } catch (IllegalArgumentException e) {
            throw StrobeException.invalid(TIMEOUT_HEADER, TIMEOUT_HEADER + " " + e.getMessage());
        }
        return arrival + d.toNanos();
    }

    /** The body as a JSON object, strictly: UTF-8, one JSON value, no trailing data. */
    static JsonObject json(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw StrobeException.invalid("the request body is not valid UTF-8");
        }
        JsonElement e;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw StrobeException.invalid("the request body has data after its JSON object");
            }
        } catch (JsonParseException | IOException | IllegalStateException | NumberFormatException ex) {
            String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            throw StrobeException.invalid("the request body is not valid JSON (" + why.split("\n")[0]
                    + "); send a JSON object such as {\"prompt\": \"a red fox\"}");
        }
        if (!e.isJsonObject()) {
            throw StrobeException.invalid("the request body must be a JSON object such as {\"prompt\": \"a red fox\"}");
        }
        return e.getAsJsonObject();
    }

    /** The Retry-After seconds to suggest with a refusal, or 0 for none. */
    static int retryAfterSeconds(ErrorKind kind) {
        return switch (kind) {
            case QUEUE_FULL -> 1;
            case UNAVAILABLE -> 5;
            default -> 0;
        };
    }
}
