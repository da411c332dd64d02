package dev.strobe.http;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import java.util.Map;

/**
 * The one table of the HTTP frontend's errors: each strobe error kind to an HTTP status and
 * OpenAI's error {@code type} and {@code code}, and the body OpenAI's SDKs read,
 * {@code {"error": {"message", "type", "param", "code"}}}. Stateless.
 */
final class HttpErrors {
    private HttpErrors() {}

    /** How one kind of error is answered. */
    record Answer(int status, String type, String code) {}

    /** The answer for a kind; the switch is exhaustive, so a new kind must be mapped here. */
    static Answer answer(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> new Answer(400, "invalid_request_error", "invalid_value");
            case UNKNOWN_MODEL -> new Answer(404, "invalid_request_error", "model_not_found");
            case QUEUE_FULL -> new Answer(429, "rate_limit_error", "queue_full");
            case DEADLINE -> new Answer(504, "timeout_error", "deadline_exceeded");
            case UNAVAILABLE -> new Answer(503, "server_error", "unavailable");
            case CANCELLED -> new Answer(499, "invalid_request_error", "cancelled");
            case ABANDONED -> new Answer(408, "invalid_request_error", "stream_abandoned");
            case UNAUTHENTICATED -> new Answer(401, "invalid_request_error", "invalid_api_key");
            case PERMISSION_DENIED -> new Answer(403, "permission_error", "model_not_permitted");
            case INTERNAL -> new Answer(500, "server_error", "internal_error");
        };
    }

    /** OpenAI's request field name for a strobe.v1 field the service named. */
    private static final Map<String, String> PARAMS = Map.of(
            "width",
            "size",
            "height",
            "size",
            "num_images",
            "n",
            "output_format",
            "output_format",
            "preview.format",
            "output_format",
            "request_id",
            "request_id",
            "steps",
            "steps",
            "prompt",
            "prompt");

    /** Answers {@code e} as a whole error response (nothing may have been written yet). */
    static void respond(ResponseChannel out, StrobeException e) {
        Answer a = answer(e.kind());
        out.begin(a.status(), "application/json");
        int retry = ImagesEndpoint.retryAfterSeconds(e.kind());
        if (retry > 0) {
            out.header("Retry-After", Integer.toString(retry));
        }
        out.write(SseEventWriter.utf8(body(e).toString()), true, x -> {});
    }

    /** Answers a protocol-level error (unknown path, wrong method, body too large, ...). */
    static void respond(ResponseChannel out, int status, String message, String code) {
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        out.begin(status, "application/json");
        out.write(SseEventWriter.utf8(body(message, type, code, null).toString()), true, x -> {});
    }

    /** The error body of {@code e}. */
    static JsonObject body(StrobeException e) {
        Answer a = answer(e.kind());
        return body(
                e.getMessage(),
                a.type(),
                a.code(),
                e.field() == null ? null : PARAMS.getOrDefault(e.field(), e.field()));
    }

    /** An error body; {@code param} may be null. */
    static JsonObject body(String message, String type, String code, String param) {
        JsonObject error = new JsonObject();
        error.addProperty("message", message);
        error.addProperty("type", type);
        if (param == null) {
            error.add("param", JsonNull.INSTANCE);
        } else {
            error.addProperty("param", param);
        }
        error.addProperty("code", code);
        JsonObject body = new JsonObject();
        body.add("error", error);
        return body;
    }
}
