package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.Limits;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.RequestValidator;
import dev.strobe.service.ServedModel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the HTTP frontend's body parser (strict UTF-8 JSON, then {@link ImagesRequest}) and the
 * shared validator behind it, with any bytes and with JSON objects made of the Images API's own
 * field names and values of every type. Property: each body is accepted or refused with
 * INVALID_REQUEST and a sentence, and the error body built from the refusal is valid JSON in
 * OpenAI's shape; no other exception.
 */
class HttpBodyFuzzTest {
    private static final ModelInfo MODEL = new ModelInfo(
            "tiny-lightning-4step",
            "sdxl-lightning",
            4,
            "epsilon",
            "trailing",
            256,
            2048,
            64,
            1024,
            1024,
            8,
            "onnxruntime");
    private static final ModelCatalog CATALOG =
            new ModelCatalog(List.of(new ServedModel(MODEL, null, null)), MODEL.name());
    private static final RequestValidator VALIDATOR = new RequestValidator(Limits.defaults());
    private static final String[] FIELDS = {
        "prompt",
        "model",
        "n",
        "size",
        "output_format",
        "response_format",
        "stream",
        "partial_images",
        "user",
        "quality",
        "moderation",
        "style",
        "output_compression",
        "background",
        "seed",
        "steps",
        "request_id",
        "strobe_previews",
        "unknown"
    };

    @FuzzTest(maxDuration = "30s")
    void anyBytesAreAcceptedOrRefusedWithASentence(byte[] body) {
        check(body);
    }

    @FuzzTest(maxDuration = "30s")
    void anyMixOfTheApisFieldsIsAcceptedOrRefusedWithASentence(FuzzedDataProvider data) {
        StringBuilder json = new StringBuilder("{");
        int fields = data.consumeInt(0, 8);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"').append(data.pickValue(FIELDS)).append("\":").append(value(data));
        }
        check(json.append('}').toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> Long.toString(data.consumeLong());
            case 1 ->
                data.consumeInt(-5, 5) + "." + data.consumeInt(0, 99)
                        + (data.consumeBoolean() ? "e" + data.consumeInt(-400, 400) : "");
            case 2 -> Boolean.toString(data.consumeBoolean());
            case 3 -> "null";
            case 4 -> "[" + data.consumeInt() + "]";
            case 5 -> "{\"x\":" + data.consumeInt() + "}";
            default -> new com.google.gson.JsonPrimitive(data.consumeString(40)).toString();
        };
    }

    private static void check(byte[] body) {
        try {
            ImagesRequest r = ImagesRequest.parse(ImagesEndpoint.json(body), CATALOG, 4);
            GenerateCommand c = r.command();
            VALIDATOR.checkText(c);
            if (!c.model().isEmpty() && !c.model().equals(MODEL.name())) {
                return; // the catalog refuses it with UNKNOWN_MODEL (404), tested elsewhere
            }
            assertNotNull(VALIDATOR.size(c, MODEL));
            VALIDATOR.steps(c, MODEL);
            VALIDATOR.numImages(c);
            assertNotNull(VALIDATOR.preview(c));
            assertNotNull(VALIDATOR.output(c));
            assertTrue(r.partialImages() >= 0 && r.partialImages() <= ImagesRequest.MAX_PARTIAL_IMAGES);
        } catch (StrobeException e) {
            if (e.kind() != ErrorKind.INVALID_REQUEST) {
                throw new AssertionError("a body was refused as " + e.kind() + ": " + e.getMessage());
            }
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            assertFalse(e.getMessage().contains("\n"), "one sentence, one line: " + e.getMessage());
            JsonObject error = JsonParser.parseString(HttpErrors.body(e).toString())
                    .getAsJsonObject()
                    .getAsJsonObject("error");
            assertTrue(error.get("message").getAsString().length() < 1000);
            assertTrue(error.has("type") && error.has("code") && error.has("param"));
        }
    }
}
