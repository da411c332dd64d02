package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.ServedModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading OpenAI's Images API body: every field's type, range and mapping onto strobe's command. */
class ImagesRequestTest {
    private static final ModelCatalog CATALOG = new ModelCatalog(
            List.of(new ServedModel(
                    new ModelInfo(
                            "tiny", "sdxl-lightning", 4, "epsilon", "trailing", 256, 2048, 64, 1024, 1024, 8, "fake"),
                    null,
                    null)),
            "tiny");

    private static ImagesRequest parse(String json) {
        return ImagesRequest.parse(ImagesEndpoint.json(json.getBytes(StandardCharsets.UTF_8)), CATALOG, 4);
    }

    private static StrobeException refused(String json) {
        StrobeException e = assertThrows(StrobeException.class, () -> parse(json));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        return e;
    }

    @Test
    void theSmallestRequestGetsOpenAIsDefaults() {
        ImagesRequest r = parse("{\"prompt\": \"a red fox\"}");
        GenerateCommand c = r.command();
        assertEquals("a red fox", c.prompt());
        assertEquals("", c.model(), "the default model");
        assertEquals(0, c.width(), "auto: the model's default size");
        assertEquals(1, c.numImages());
        assertNull(c.seed(), "a random seed");
        assertEquals(GenerateCommand.OutputChoice.PNG, c.outputFormat());
        assertEquals(GenerateCommand.PreviewChoice.NONE, c.previewFormat(), "no previews without stream");
        assertFalse(r.stream());
    }

    @Test
    void everyFieldMapsOntoTheCommand() {
        ImagesRequest r = parse("{\"prompt\": \"p\", \"model\": \"tiny\", \"n\": 3, \"size\": \"768x1344\","
                + " \"output_format\": \"jpeg\", \"response_format\": \"b64_json\", \"stream\": true,"
                + " \"partial_images\": 2, \"user\": \"u-1\", \"seed\": 18446744073709551615, \"steps\": 4,"
                + " \"request_id\": \"r-1\", \"quality\": \"high\", \"background\": \"opaque\","
                + " \"output_compression\": 80, \"moderation\": \"low\"}");
        GenerateCommand c = r.command();
        assertEquals("tiny", c.model());
        assertEquals(3, c.numImages());
        assertEquals(768, c.width());
        assertEquals(1344, c.height());
        assertEquals(GenerateCommand.OutputChoice.JPEG, c.outputFormat());
        assertEquals(GenerateCommand.PreviewChoice.JPEG, c.previewFormat(), "partial images in the output format");
        assertEquals(-1L, c.seed(), "2^64 - 1 as its two's complement");
        assertEquals(4, c.steps());
        assertEquals("r-1", c.requestId());
        assertEquals("u-1", r.user());
        assertEquals(2, r.partialImages());
        assertTrue(r.stream());
        assertEquals(ImageFormat.JPEG, r.outputFormat());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-image-1", "gpt-image-1-mini", "dall-e-3", "dall-e-2", "GPT-IMAGE-1.5"})
    void openAIsModelNamesMeanTheDefaultModel(String model) {
        assertEquals(
                "",
                parse("{\"prompt\": \"p\", \"model\": \"" + model + "\"}")
                        .command()
                        .model());
    }

    @Test
    void anyOtherModelNameIsPassedOnForTheCatalogToRefuse() {
        assertEquals(
                "sdxl-turbo",
                parse("{\"prompt\": \"p\", \"model\": \"sdxl-turbo\"}")
                        .command()
                        .model());
    }

    @Test
    void previewsStreamOnlyWithStreamAndPartialImagesOrAll() {
        assertEquals(
                GenerateCommand.PreviewChoice.NONE,
                parse("{\"prompt\": \"p\", \"stream\": true}").command().previewFormat());
        assertEquals(
                GenerateCommand.PreviewChoice.NONE,
                parse("{\"prompt\": \"p\", \"partial_images\": 3}").command().previewFormat());
        ImagesRequest all = parse("{\"prompt\": \"p\", \"stream\": true, \"strobe_previews\": \"all\"}");
        assertTrue(all.allPreviews());
        assertEquals(GenerateCommand.PreviewChoice.PNG, all.command().previewFormat());
    }

    @Test
    void aSeedMayBeADecimalStringSoJavaScriptCanSendItExactly() {
        assertEquals(
                Long.parseUnsignedLong("12777912437154677423"),
                parse("{\"prompt\": \"p\", \"seed\": \"12777912437154677423\"}")
                        .command()
                        .seed());
        assertEquals(42L, parse("{\"prompt\": \"p\", \"seed\": 42.0}").command().seed(), "42.0 is a whole number");
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertEquals(
                "p",
                parse("{\"prompt\": \"p\", \"future_field\": {\"x\": [1, 2]}, \"style\": \"vivid\"}")
                        .command()
                        .prompt());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{}                                               | prompt | prompt is required",
                "{\"prompt\": 5}                                  | prompt | prompt must be a string, got the number 5",
                "{\"prompt\": \"p\", \"n\": \"2\"}                | n      | n must be an integer (1 to 4), got the string \"2\"",
                "{\"prompt\": \"p\", \"n\": 1.5}                  | n      | n must be a whole number, got 1.5",
                "{\"prompt\": \"p\", \"n\": 0}                    | n      | n must be an integer from 1 to 4, got 0",
                "{\"prompt\": \"p\", \"n\": 10}                   | n      | n must be an integer from 1 to 4, got 10",
                "{\"prompt\": \"p\", \"n\": 1e999999999}          | n      | n must be an integer from 1 to 4",
                "{\"prompt\": \"p\", \"seed\": -1}                | seed   | seed must be an integer from 0 to 18446744073709551615, got -1",
                "{\"prompt\": \"p\", \"seed\": 18446744073709551616} | seed | seed must be an integer from 0 to 18446744073709551615",
                "{\"prompt\": \"p\", \"seed\": 0.5}               | seed   | seed must be a whole number, got 0.5",
                "{\"prompt\": \"p\", \"stream\": \"yes\"}         | stream | stream must be true or false, got the string \"yes\"",
                "{\"prompt\": \"p\", \"partial_images\": 4}       | partial_images | partial_images must be an integer from 0 to 3, got 4",
                "{\"prompt\": \"p\", \"size\": \"big\"}           | size   | size must be \"auto\" or \"WIDTHxHEIGHT\"",
                "{\"prompt\": \"p\", \"size\": 1024}              | size   | size must be a string, got the number 1024",
                "{\"prompt\": \"p\", \"output_format\": \"webp\"} | output_format | output_format webp is not supported",
                "{\"prompt\": \"p\", \"output_format\": \"gif\"}  | output_format | output_format must be png or jpeg",
                "{\"prompt\": \"p\", \"response_format\": \"url\"} | response_format | is not supported: strobe returns images inline; use b64_json",
                "{\"prompt\": \"p\", \"background\": \"transparent\"} | background | background must be auto or opaque",
                "{\"prompt\": \"p\", \"strobe_previews\": \"some\"} | strobe_previews | strobe_previews must be \"all\"",
                "{\"prompt\": \"p\", \"user\": [\"a\"]}           | user   | user must be a string, got an array",
                "{\"prompt\": \"p\", \"model\": {\"id\": 1}}      | model  | model must be a string, got an object",
            })
    void wrongTypesAndValuesAreRefusedNamingTheField(String json, String field, String message) {
        StrobeException e = refused(json);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "nul",
                "[1, 2]",
                "\"prompt\"",
                "{\"prompt\": \"p\"} {}",
                "{'prompt': 'p'}",
                "{\"prompt\": \"p\",}",
                "{\"prompt\": NaN}",
                "// c\n{\"prompt\": \"p\"}"
            })
    void aBodyThatIsNotOneStrictJsonObjectIsRefused(String body) {
        StrobeException e =
                assertThrows(StrobeException.class, () -> ImagesEndpoint.json(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().startsWith("the request body"), e.getMessage());
    }

    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        byte[] latin1 = "{\"prompt\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        StrobeException e = assertThrows(StrobeException.class, () -> ImagesEndpoint.json(latin1));
        assertEquals("the request body is not valid UTF-8", e.getMessage());
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        String deep = "{\"prompt\": \"p\", \"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(StrobeException.class, () -> ImagesEndpoint.json(deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void promptsKeepUnicodeAndControlCharactersForTheNormalizer() {
        JsonObject body = ImagesEndpoint.json(
                "{\"prompt\": \"a \\u0000fox \ud83e\udd8a \\u202e\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                "a \u0000fox \ud83e\udd8a \u202e",
                ImagesRequest.parse(body, CATALOG, 4).command().prompt());
    }
}
