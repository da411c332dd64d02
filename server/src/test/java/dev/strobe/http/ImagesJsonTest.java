package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.StreamEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The response shapes: the documented example (docs/examples/images-response.json) is what the server writes. */
class ImagesJsonTest {

    @Test
    void theDocumentedResponseHasExactlyTheServersFieldsAndTypes() throws Exception {
        JsonObject documented = JsonParser.parseString(
                        Files.readString(Path.of("..", "docs", "examples", "images-response.json")))
                .getAsJsonObject();
        StreamEvent.Queued q = new StreamEvent.Queued(0, "", 6, false, "tiny-lightning-4step", 1024, 1024, 4, 1);
        JsonObject written = ImagesJson.response(
                List.of(new StreamEvent.FinalImage(
                        0, 42, new EncodedImage(ImageFormat.PNG, 1024, 1024, new byte[] {1}))),
                q,
                new StreamEvent.Done(new Timings(0.4, 12.1, 240.5, 130.2, 383.9, 0, 0.7), ""),
                1764700000L);
        assertEquals(shape(written), shape(documented));
        assertEquals(written.get("size"), documented.get("size"));
        assertEquals(
                written.getAsJsonObject("strobe").get("model"),
                documented.getAsJsonObject("strobe").get("model"));
    }

    /** Every key path with the JSON type of its value. */
    private static Map<String, String> shape(JsonElement e) {
        Map<String, String> out = new TreeMap<>();
        walk("", e, out);
        return out;
    }

    private static void walk(String path, JsonElement e, Map<String, String> out) {
        if (e.isJsonObject()) {
            out.put(path, "object");
            e.getAsJsonObject().entrySet().forEach(en -> walk(path + "." + en.getKey(), en.getValue(), out));
        } else if (e.isJsonArray()) {
            out.put(path, "array");
            e.getAsJsonArray().forEach(x -> walk(path + "[]", x, out));
        } else if (e.isJsonNull()) {
            out.put(path, "null");
        } else {
            var p = e.getAsJsonPrimitive();
            out.put(path, p.isBoolean() ? "boolean" : p.isNumber() ? "number" : "string");
        }
    }
}
