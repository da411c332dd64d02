package dev.strobe.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.scheduler.PreviewSpec;
import dev.strobe.service.GenerateCommand.OutputChoice;
import dev.strobe.service.GenerateCommand.PreviewChoice;
import org.junit.jupiter.api.Test;

/** Every refusal and every default of {@link RequestValidator}, each with the sentence it gives. */
class RequestValidatorRulesTest {
    private static final ModelInfo MODEL =
            new ModelInfo("m4", "sdxl", 4, "epsilon", "trailing", 256, 2048, 64, 1024, 768, 8, "onnxruntime");
    private final RequestValidator v = new RequestValidator(new Limits(100, 4, 10));

    private static GenerateCommand command(
            String prompt,
            int width,
            int height,
            int steps,
            int images,
            PreviewChoice preview,
            int maxSide,
            int everyN,
            OutputChoice output,
            String requestId) {
        return new GenerateCommand(
                prompt, "", width, height, steps, null, images, preview, maxSide, everyN, output, requestId);
    }

    private static GenerateCommand plain() {
        return command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "");
    }

    private static String refusal(Runnable r) {
        StrobeException e = assertThrows(StrobeException.class, r::run);
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        return e.getMessage();
    }

    @Test
    void promptLengthIsLimitedAndANullPromptIsEmpty() {
        assertDoesNotThrow(() -> v.checkText(
                command("x".repeat(100), 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "")));
        assertDoesNotThrow(
                () -> v.checkText(command(null, 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, null)));
        String m = refusal(() -> v.checkText(
                command("x".repeat(101), 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "")));
        assertTrue(m.contains("101 characters; the limit is 100"), m);
    }

    @Test
    void requestIdsAreLimitedInLengthAndMayNotHoldControlCharacters() {
        assertDoesNotThrow(() ->
                v.checkText(command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "0123456789")));
        assertTrue(refusal(() -> v.checkText(
                        command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "01234567890")))
                .contains("request_id has 11 characters; the limit is 10"));
        assertTrue(refusal(() -> v.checkText(
                        command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "a\tb")))
                .contains("control characters"));
    }

    @Test
    void aZeroSideIsTheModelsDefaultEachSideOnItsOwn() {
        assertEquals(new ImageSize(1024, 768), v.size(plain(), MODEL));
        assertEquals(
                new ImageSize(512, 768),
                v.size(command("p", 512, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        assertEquals(
                new ImageSize(256, 2048),
                v.size(command("p", 256, 2048, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL),
                "the range's ends are inside it");
    }

    @Test
    void sidesOutsideTheRangeOrOffTheMultipleAreRefusedWithWhatWouldBeAccepted() {
        String small = refusal(
                () -> v.size(command("p", 192, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        assertTrue(small.contains("width 192 is outside m4's range 256 to 2048"), small);
        String large = refusal(() ->
                v.size(command("p", 0, 2112, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        assertTrue(large.contains("height 2112 is outside"), large);
        String unsigned = refusal(
                () -> v.size(command("p", -64, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        assertTrue(unsigned.contains("width 4294967232"), "a uint32 stays unsigned: " + unsigned);
        String multiple = refusal(() ->
                v.size(command("p", 1000, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        assertTrue(multiple.contains("width 1000 is not a multiple of 64; use 960 or 1024"), multiple);
    }

    @Test
    void stepsAreZeroOrTheModelsOwnCount() {
        assertEquals(4, v.steps(plain(), MODEL));
        assertEquals(
                4, v.steps(command("p", 0, 0, 4, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        String m = refusal(
                () -> v.steps(command("p", 0, 0, 8, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, ""), MODEL));
        assertTrue(m.contains("m4 is distilled for 4 steps, so steps must be 0 or 4 (got 8)"), m);
    }

    @Test
    void zeroImagesIsOneAndTheLimitHolds() {
        assertEquals(1, v.numImages(plain()));
        assertEquals(4, v.numImages(command("p", 0, 0, 0, 4, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "")));
        String m = refusal(
                () -> v.numImages(command("p", 0, 0, 0, 5, PreviewChoice.DEFAULT, 0, 0, OutputChoice.DEFAULT, "")));
        assertTrue(m.contains("num_images must be 0 (one image) to 4, got 5"), m);
    }

    @Test
    void previewsDefaultToJpegEveryStepAtTheNaturalSize() {
        assertEquals(new PreviewSpec(true, ImageFormat.JPEG, 0, 1), v.preview(plain()));
        assertEquals(
                new PreviewSpec(true, ImageFormat.JPEG, 16, 1),
                v.preview(command("p", 0, 0, 0, 0, PreviewChoice.JPEG, 16, 0, OutputChoice.DEFAULT, "")));
        assertEquals(
                new PreviewSpec(true, ImageFormat.PNG, 4096, 2),
                v.preview(command("p", 0, 0, 0, 0, PreviewChoice.PNG, 4096, 2, OutputChoice.DEFAULT, "")));
        assertEquals(
                PreviewSpec.NONE,
                v.preview(command("p", 0, 0, 0, 0, PreviewChoice.NONE, 0, 0, OutputChoice.DEFAULT, "")));
    }

    @Test
    void previewSidesOutsideSixteenTo4096AndUnknownFormatsAreRefused() {
        assertTrue(
                refusal(() -> v.preview(command("p", 0, 0, 0, 0, PreviewChoice.JPEG, 15, 0, OutputChoice.DEFAULT, "")))
                        .contains("preview.max_side must be 0 (natural size) or 16 to 4096, got 15"));
        assertTrue(refusal(() ->
                        v.preview(command("p", 0, 0, 0, 0, PreviewChoice.JPEG, 4097, 0, OutputChoice.DEFAULT, "")))
                .contains("got 4097"));
        assertTrue(refusal(() ->
                        v.preview(command("p", 0, 0, 0, 0, PreviewChoice.UNKNOWN, 0, 0, OutputChoice.DEFAULT, "")))
                .contains("preview.format is not one of NONE, JPEG, PNG"));
    }

    @Test
    void theOutputDefaultsToPngAndUnknownFormatsAreRefused() {
        assertEquals(ImageFormat.PNG, v.output(plain()));
        assertEquals(
                ImageFormat.PNG, v.output(command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.PNG, "")));
        assertEquals(
                ImageFormat.JPEG,
                v.output(command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.JPEG, "")));
        assertTrue(
                refusal(() -> v.output(command("p", 0, 0, 0, 0, PreviewChoice.DEFAULT, 0, 0, OutputChoice.UNKNOWN, "")))
                        .contains("output_format is not one of PNG, JPEG"));
    }
}
