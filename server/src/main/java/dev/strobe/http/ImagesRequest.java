package dev.strobe.http;

import com.google.gson.JsonObject;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerateCommand.OutputChoice;
import dev.strobe.service.GenerateCommand.PreviewChoice;
import dev.strobe.service.ModelCatalog;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code POST /v1/images/generations} body, OpenAI's Images API plus strobe's extensions, read
 * strictly: wrong types and values strobe cannot honour are 400s naming the field; fields strobe
 * does not know are ignored, as OpenAI-compatible servers do.
 *
 * <p>OpenAI fields: {@code prompt} (required), {@code model} (a strobe model; empty, absent or an
 * OpenAI model name such as {@code gpt-image-1} or {@code dall-e-3} means the default), {@code n}
 * (1..4), {@code size} ({@code "WxH"} or {@code "auto"}), {@code output_format} (png, jpeg),
 * {@code response_format} (b64_json), {@code stream}, {@code partial_images} (0..3),
 * {@code user}; {@code quality}, {@code moderation}, {@code style} and {@code output_compression}
 * are accepted and have no effect; {@code background} may be auto or opaque. Extensions:
 * {@code seed} (0..2^64-1, a number or a decimal string; image i uses seed + i), {@code steps} (0
 * or the model's count), {@code request_id}, {@code strobe_previews: "all"} (stream a partial
 * image after every step instead of at most {@code partial_images}).
 */
record ImagesRequest(
        GenerateCommand command,
        boolean stream,
        int partialImages,
        boolean allPreviews,
        String user,
        ImageFormat outputFormat) {

    /** OpenAI's own image models: a request naming one gets the server's default model. */
    private static final Pattern OPENAI_MODEL = Pattern.compile("(gpt-image|dall-e|chatgpt-image)[a-z0-9.-]*");

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,6})x([0-9]{1,6})");
    static final int MAX_PARTIAL_IMAGES = 3;

    static ImagesRequest parse(JsonObject body, ModelCatalog catalog, int maxImages) {
        JsonFields f = new JsonFields(body);
        if (!f.has("prompt")) {
            throw StrobeException.invalid("prompt", "prompt is required: a text description of the image");
        }
        String prompt = f.string("prompt", "");
        String model = f.string("model", "");
        if (OPENAI_MODEL.matcher(model.toLowerCase(Locale.ROOT)).matches()
                && !catalog.names().contains(model)) {
            model = ""; // the default model
        }
        int n = f.integer("n", 1, 1, maxImages);
        int[] size = size(f.string("size", "auto"));
        ImageFormat format = outputFormat(f.string("output_format", "png"));
        String responseFormat = f.string("response_format", "b64_json");
        if (!responseFormat.equals("b64_json")) {
            throw StrobeException.invalid(
                    "response_format",
                    "response_format " + JsonFields.shown(body.get("response_format"))
                            + " is not supported: strobe returns images inline; use b64_json");
        }
        String background = f.string("background", "auto");
        if (!background.equals("auto") && !background.equals("opaque")) {
            throw StrobeException.invalid(
                    "background", "background must be auto or opaque: strobe's images have no" + " transparency");
        }
        f.string("quality", "auto");
        f.string("moderation", "auto");
        f.string("style", "");
        f.integer("output_compression", 100, 0, 100);
        boolean stream = f.bool("stream", false);
        int partials = f.integer("partial_images", 0, 0, MAX_PARTIAL_IMAGES);
        String previews = f.string("strobe_previews", "");
        if (!previews.isEmpty() && !previews.equals("all")) {
            throw StrobeException.invalid(
                    "strobe_previews",
                    "strobe_previews must be \"all\" (a partial image after"
                            + " every step) or absent (at most partial_images)");
        }
        boolean all = previews.equals("all");
        String user = f.string("user", "");
        Long seed = f.uint64("seed");
        int steps = f.integer("steps", 0, 0, 1000);
        String requestId = f.string("request_id", "");
        boolean previewsOn = stream && (all || partials > 0);
        GenerateCommand command = new GenerateCommand(
                prompt,
                model,
                size[0],
                size[1],
                steps,
                seed,
                n,
                previewsOn ? choice(format) : PreviewChoice.NONE,
                0,
                1,
                format == ImageFormat.JPEG ? OutputChoice.JPEG : OutputChoice.PNG,
                requestId);
        return new ImagesRequest(command, stream, partials, all, user, format);
    }

    /** {@code "WxH"} as {width, height}; {@code "auto"} as {0, 0} (the model's default). */
    private static int[] size(String size) {
        if (size.equals("auto")) {
            return new int[] {0, 0};
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            throw StrobeException.invalid(
                    "size",
                    "size must be \"auto\" or \"WIDTHxHEIGHT\" in pixels, e.g." + " \"1024x1024\", got "
                            + JsonFields.shown(new com.google.gson.JsonPrimitive(size)));
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static ImageFormat outputFormat(String f) {
        return switch (f) {
            case "png" -> ImageFormat.PNG;
            case "jpeg", "jpg" -> ImageFormat.JPEG;
            case "webp" ->
                throw StrobeException.invalid(
                        "output_format", "output_format webp is not supported by" + " this server; use png or jpeg");
            default ->
                throw StrobeException.invalid(
                        "output_format",
                        "output_format must be png or jpeg, got "
                                + JsonFields.shown(new com.google.gson.JsonPrimitive(f)));
        };
    }

    private static PreviewChoice choice(ImageFormat f) {
        return f == ImageFormat.JPEG ? PreviewChoice.JPEG : PreviewChoice.PNG;
    }

    /** The {@code size} to report for an image of {@code w} x {@code h}. */
    static String size(int w, int h) {
        return w + "x" + h;
    }
}
