package dev.strobe.service;

import static dev.strobe.errors.StrobeException.invalid;

import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.scheduler.PreviewSpec;

/**
 * Checks a request against the service limits and its model's ranges, and resolves defaults.
 * Every refusal is an INVALID_REQUEST whose sentence names the field, the value and what would be
 * accepted. Stateless and thread-safe.
 */
public final class RequestValidator {
    static final int MIN_PREVIEW_SIDE = 16;
    static final int MAX_PREVIEW_SIDE = 4096;
    private final Limits limits;

    public RequestValidator(Limits limits) {
        this.limits = limits;
    }

    /** Checks what does not depend on the model; run before tokenizing. */
    public void checkText(GenerateCommand c) {
        String prompt = c.prompt() == null ? "" : c.prompt();
        if (prompt.length() > limits.maxPromptChars()) {
            throw invalid(
                    "prompt",
                    "the prompt has " + prompt.length() + " characters; the limit is " + limits.maxPromptChars()
                            + " (the text encoders read only the first 75 tokens)");
        }
        String id = c.requestId() == null ? "" : c.requestId();
        if (id.length() > limits.maxRequestIdChars()) {
            throw invalid(
                    "request_id",
                    "request_id has " + id.length() + " characters; the limit is " + limits.maxRequestIdChars());
        }
        if (id.codePoints().anyMatch(Character::isISOControl)) {
            throw invalid("request_id", "request_id must not contain control characters");
        }
    }

    public ImageSize size(GenerateCommand c, ModelInfo m) {
        int w = c.width() == 0 ? m.defaultWidth() : c.width();
        int h = c.height() == 0 ? m.defaultHeight() : c.height();
        checkSide("width", w, m);
        checkSide("height", h, m);
        return new ImageSize(w, h);
    }

    public int steps(GenerateCommand c, ModelInfo m) {
        if (c.steps() != 0 && c.steps() != m.steps()) {
            throw invalid(
                    "steps",
                    m.name() + " is distilled for " + m.steps() + " steps, so steps must be 0 or "
                            + m.steps() + " (got " + Integer.toUnsignedString(c.steps())
                            + "); pick a model made for that step count");
        }
        return m.steps();
    }

    public int numImages(GenerateCommand c) {
        int n = c.numImages() == 0 ? 1 : c.numImages();
        if (n < 1 || n > limits.maxImages()) {
            throw invalid(
                    "num_images",
                    "num_images must be 0 (one image) to " + limits.maxImages() + ", got "
                            + Integer.toUnsignedString(c.numImages()));
        }
        return n;
    }

    public PreviewSpec preview(GenerateCommand c) {
        int side = c.previewMaxSide();
        if (side != 0 && (side < MIN_PREVIEW_SIDE || side > MAX_PREVIEW_SIDE)) {
            throw invalid(
                    "preview.max_side",
                    "preview.max_side must be 0 (natural size) or " + MIN_PREVIEW_SIDE + " to " + MAX_PREVIEW_SIDE
                            + ", got " + Integer.toUnsignedString(side));
        }
        // every_n_steps is a uint32: read it unsigned, so 2^32-1 means "only the last step", not -1.
        long n = Integer.toUnsignedLong(c.previewEveryN());
        int every = n == 0 ? 1 : (int) Math.min(n, Integer.MAX_VALUE);
        return switch (c.previewFormat()) {
            case NONE -> PreviewSpec.NONE;
            case DEFAULT, JPEG -> new PreviewSpec(true, ImageFormat.JPEG, side, every);
            case PNG -> new PreviewSpec(true, ImageFormat.PNG, side, every);
            case UNKNOWN -> throw invalid("preview.format", "preview.format is not one of NONE, JPEG, PNG");
        };
    }

    public ImageFormat output(GenerateCommand c) {
        return switch (c.outputFormat()) {
            case DEFAULT, PNG -> ImageFormat.PNG;
            case JPEG -> ImageFormat.JPEG;
            case UNKNOWN -> throw invalid("output_format", "output_format is not one of PNG, JPEG");
        };
    }

    private static void checkSide(String field, int value, ModelInfo m) {
        long v = Integer.toUnsignedLong(value);
        if (v < m.minSize() || v > m.maxSize()) {
            throw invalid(
                    field,
                    field + " " + v + " is outside " + m.name() + "'s range " + m.minSize() + " to " + m.maxSize()
                            + " pixels (0 means the default, " + m.defaultWidth() + ")");
        }
        if (v % m.sizeMultiple() != 0) {
            long lower = v / m.sizeMultiple() * m.sizeMultiple();
            throw invalid(
                    field,
                    field + " " + v + " is not a multiple of " + m.sizeMultiple() + "; use "
                            + Math.max(m.minSize(), lower) + " or " + Math.min(m.maxSize(), lower + m.sizeMultiple()));
        }
    }
}
