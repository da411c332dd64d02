package dev.strobe.loadtest.http;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.client.GenerationEvent;
import dev.strobe.client.Timings;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns the lines of one strobe Server-Sent Events stream into the client library's
 * {@link GenerationEvent}s, so the load driver measures both frontends alike: an
 * {@code image_generation.partial_image} is a {@link GenerationEvent.Preview}, an
 * {@code image_generation.completed} an {@link GenerationEvent.Image}, and the completed event
 * carrying the {@code strobe} timings is followed by {@link GenerationEvent.Done}. Comments and
 * blank lines carry nothing; an {@code error} event is {@link Failure}. Not thread-safe: one
 * stream, lines in order.
 */
final class SseEventParser {
    /** An {@code error} event: OpenAI's error object's {@code code} and {@code message}. */
    record Failure(String code, String message) {}

    private boolean done;

    /** Whether the stream's last event (Done) was seen. */
    boolean done() {
        return done;
    }

    /**
     * The events of one line ({@code data: {...}}, a comment or a blank line).
     *
     * @throws FailureException for an {@code error} event
     */
    List<GenerationEvent> line(String line) {
        if (!line.startsWith("data:")) {
            return List.of();
        }
        JsonObject e = JsonParser.parseString(line.substring("data:".length())).getAsJsonObject();
        String type = e.has("type") ? e.get("type").getAsString() : "";
        List<GenerationEvent> out = new ArrayList<>(2);
        switch (type) {
            case "image_generation.partial_image" -> {
                int[] size = size(e);
                out.add(new GenerationEvent.Preview(
                        e.get("image_index").getAsInt(),
                        e.get("step").getAsInt(),
                        e.get("total_steps").getAsInt(),
                        size[0] / 8,
                        size[1] / 8,
                        format(e),
                        image(e)));
            }
            case "image_generation.completed" -> {
                int[] size = size(e);
                out.add(new GenerationEvent.Image(
                        e.get("image_index").getAsInt(),
                        Long.parseUnsignedLong(e.get("seed").getAsString()),
                        size[0],
                        size[1],
                        format(e),
                        image(e)));
                if (e.has("strobe")) {
                    JsonObject s = e.getAsJsonObject("strobe");
                    JsonObject t = s.getAsJsonObject("timings");
                    out.add(new GenerationEvent.Done(
                            new Timings(
                                    ms(t, "queue_ms"),
                                    ms(t, "encode_ms"),
                                    ms(t, "denoise_ms"),
                                    ms(t, "decode_ms"),
                                    ms(t, "total_ms"),
                                    ms(t, "first_preview_ms"),
                                    ms(t, "wait_ms")),
                            s.get("request_id").getAsString()));
                    done = true;
                }
            }
            case "error" -> {
                JsonObject err = e.getAsJsonObject("error");
                throw new FailureException(new Failure(text(err, "code"), text(err, "message")));
            }
            default -> {} // a type this driver does not know carries nothing it measures
        }
        return out;
    }

    /** Thrown for an {@code error} event. */
    static final class FailureException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Failure failure;

        FailureException(Failure failure) {
            super(failure.code() + ": " + failure.message());
            this.failure = failure;
        }
    }

    private static int[] size(JsonObject e) {
        String[] wh = e.get("size").getAsString().split("x");
        return new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])};
    }

    private static ImageFormat format(JsonObject e) {
        return "jpeg".equals(e.get("output_format").getAsString())
                ? ImageFormat.IMAGE_FORMAT_JPEG
                : ImageFormat.IMAGE_FORMAT_PNG;
    }

    private static ByteString image(JsonObject e) {
        return ByteString.copyFrom(Base64.getDecoder().decode(e.get("b64_json").getAsString()));
    }

    private static double ms(JsonObject t, String name) {
        return t.has(name) ? t.get(name).getAsDouble() : 0;
    }

    private static String text(JsonObject o, String name) {
        return o != null && o.has(name) && !o.get(name).isJsonNull()
                ? o.get(name).getAsString()
                : "";
    }
}
