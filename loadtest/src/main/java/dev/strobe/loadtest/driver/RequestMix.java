package dev.strobe.loadtest.driver;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.PreviewOptions;
import java.util.List;
import java.util.Random;

/**
 * What a load run sends: sizes, models and prompts drawn by weight, whether previews are on, steps and
 * images per request. Each request gets an explicit seed drawn from the run's random source, so that a
 * run with the same seed sends exactly the same requests. Immutable; {@link #next} is called by the
 * driver thread (open loop) or completion callbacks (closed loop), never concurrently with the same
 * {@link Random}.
 */
public record RequestMix(
        WeightedChoice<WeightedSpec.ImageSize> sizes,
        WeightedChoice<String> models,
        List<String> prompts,
        boolean previews,
        int previewMaxSide,
        int steps,
        int numImages) {

    /** Prompts used when none are given: varied lengths, so text encoding is not trivially cached. */
    public static final List<String> DEFAULT_PROMPTS = List.of(
            "a lighthouse on a cliff at dusk, oil painting",
            "a red fox in fresh snow, morning light, telephoto",
            "an isometric pixel-art city block with neon signs",
            "a bowl of ramen on a wooden table, studio photo",
            "a watercolor map of an imaginary archipelago");

    public RequestMix {
        if (prompts.isEmpty()) {
            throw new LoadConfigurationException("the request mix needs at least one prompt");
        }
        if (steps < 0 || numImages < 1 || previewMaxSide < 0) {
            throw new LoadConfigurationException(
                    "steps and the preview size must be 0 or more and images per request at least 1");
        }
        prompts = List.copyOf(prompts);
    }

    /** The server's defaults for everything, previews on, one image. */
    public static RequestMix defaults() {
        return new RequestMix(
                WeightedChoice.only(new WeightedSpec.ImageSize(0, 0)),
                WeightedChoice.only(""),
                DEFAULT_PROMPTS,
                true,
                0,
                0,
                1);
    }

    /** Draws the next request; {@code requestId} is echoed by the server and appears in its log. */
    public GenerateRequest next(Random random, String requestId) {
        WeightedSpec.ImageSize size = sizes.pick(random);
        return GenerateRequest.newBuilder()
                .setPrompt(prompts.get(random.nextInt(prompts.size())))
                .setModel(models.pick(random))
                .setWidth(size.width())
                .setHeight(size.height())
                .setSteps(steps)
                .setNumImages(numImages)
                .setSeed(random.nextLong())
                .setPreview(PreviewOptions.newBuilder()
                        .setFormat(previews ? PreviewFormat.PREVIEW_FORMAT_JPEG : PreviewFormat.PREVIEW_FORMAT_NONE)
                        .setMaxSide(previewMaxSide))
                .setRequestId(requestId)
                .build();
    }
}
