package dev.strobe.loadtest.http;

import com.google.gson.JsonObject;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.PreviewFormat;

/**
 * The {@code POST /v1/images/generations} body that asks strobe's HTTP frontend for what a gRPC
 * {@link GenerateRequest} asks: same prompt, model, size, steps, images, seed and request id, a
 * stream with a partial image after every step ({@code strobe_previews: "all"}) when the request
 * wants previews. The HTTP frontend has one format for previews and final images; a request whose
 * final images are PNG (gRPC's default) gets PNG previews too. Stateless.
 */
final class OpenAiImagesRequest {
    private OpenAiImagesRequest() {}

    static JsonObject of(GenerateRequest r) {
        JsonObject o = new JsonObject();
        o.addProperty("prompt", r.getPrompt());
        if (!r.getModel().isEmpty()) {
            o.addProperty("model", r.getModel());
        }
        o.addProperty("size", r.getWidth() == 0 && r.getHeight() == 0 ? "auto" : r.getWidth() + "x" + r.getHeight());
        if (r.getSteps() != 0) {
            o.addProperty("steps", r.getSteps());
        }
        o.addProperty("n", Math.max(1, r.getNumImages()));
        if (r.hasSeed()) {
            o.addProperty("seed", Long.toUnsignedString(r.getSeed()));
        }
        if (!r.getRequestId().isEmpty()) {
            o.addProperty("request_id", r.getRequestId());
        }
        o.addProperty("output_format", r.getOutputFormat() == ImageFormat.IMAGE_FORMAT_JPEG ? "jpeg" : "png");
        o.addProperty("stream", true);
        boolean previews = !r.hasPreview() || r.getPreview().getFormat() != PreviewFormat.PREVIEW_FORMAT_NONE;
        if (previews) {
            o.addProperty("strobe_previews", "all");
        }
        return o;
    }
}
