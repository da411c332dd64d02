package dev.strobe.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.StreamEvent;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON objects of the Images API in OpenAI's shapes, with strobe's extra fields beside
 * OpenAI's (SDKs keep unknown fields): {@code image_index}, {@code seed} (a decimal string, exact
 * in JavaScript too), {@code step}/{@code total_steps} on partial images, and a {@code strobe}
 * object with the resolved request and the stage timings. Stateless.
 */
final class ImagesJson {
    static final String PARTIAL = "image_generation.partial_image";
    static final String COMPLETED = "image_generation.completed";

    private ImagesJson() {}

    /** An {@code image_generation.partial_image} event; {@code index} counts this image's partials from 0. */
    static JsonObject partial(StreamEvent.Preview p, int index, String size, long createdAt) {
        JsonObject o = event(PARTIAL, p.image(), size, createdAt);
        o.addProperty("partial_image_index", index);
        o.addProperty("image_index", p.imageIndex());
        o.addProperty("step", p.step());
        o.addProperty("total_steps", p.totalSteps());
        return o;
    }

    /** An {@code image_generation.completed} event; {@code done} (the last image's) adds the timings. */
    static JsonObject completed(
            StreamEvent.FinalImage i, String size, long createdAt, StreamEvent.Queued queued, StreamEvent.Done done) {
        JsonObject o = event(COMPLETED, i.image(), size, createdAt);
        o.addProperty("image_index", i.imageIndex());
        o.addProperty("seed", Long.toUnsignedString(i.seed()));
        if (done != null) {
            o.add("strobe", strobe(queued, done));
        }
        return o;
    }

    /** The non-streamed response: {@code created}, {@code data[]} and the request's settings. */
    static JsonObject response(
            List<StreamEvent.FinalImage> images, StreamEvent.Queued queued, StreamEvent.Done done, long created) {
        JsonObject o = new JsonObject();
        o.addProperty("created", created);
        JsonArray data = new JsonArray();
        ImageFormat format = ImageFormat.PNG;
        for (StreamEvent.FinalImage i : images) {
            JsonObject d = new JsonObject();
            d.addProperty("b64_json", base64(i.image()));
            d.addProperty("seed", Long.toUnsignedString(i.seed()));
            data.add(d);
            format = i.image().format();
        }
        o.add("data", data);
        o.addProperty("background", "opaque");
        o.addProperty("output_format", format(format));
        o.addProperty("quality", "auto");
        o.addProperty("size", ImagesRequest.size(queued.width(), queued.height()));
        o.add("strobe", strobe(queued, done));
        return o;
    }

    private static JsonObject event(String type, EncodedImage image, String size, long createdAt) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        o.addProperty("b64_json", base64(image));
        o.addProperty("created_at", createdAt);
        o.addProperty("size", size);
        o.addProperty("quality", "auto");
        o.addProperty("background", "opaque");
        o.addProperty("output_format", format(image.format()));
        return o;
    }

    private static JsonObject strobe(StreamEvent.Queued q, StreamEvent.Done d) {
        JsonObject s = new JsonObject();
        s.addProperty("request_id", q.requestId());
        s.addProperty("model", q.model());
        s.addProperty("steps", q.steps());
        s.addProperty("prompt_tokens", q.promptTokens());
        s.addProperty("prompt_truncated", q.promptTruncated());
        s.addProperty("queue_position", q.position());
        if (d != null) {
            Timings t = d.timings();
            JsonObject timings = new JsonObject();
            timings.addProperty("queue_ms", t.queueMs());
            timings.addProperty("encode_ms", t.encodeMs());
            timings.addProperty("wait_ms", t.waitMs());
            timings.addProperty("denoise_ms", t.denoiseMs());
            timings.addProperty("decode_ms", t.decodeMs());
            timings.addProperty("first_preview_ms", t.firstPreviewMs());
            timings.addProperty("total_ms", t.totalMs());
            s.add("timings", timings);
        }
        return s;
    }

    static String format(ImageFormat f) {
        return f.name().toLowerCase(Locale.ROOT);
    }

    private static String base64(EncodedImage image) {
        return Base64.getEncoder().encodeToString(image.data());
    }
}
