package dev.strobe.pipeline.fidelity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * Reads a fixture that a generator in {@code reference/fidelity/} wrote from the real reference
 * packages: gzip-compressed JSON under {@code src/test/resources/fidelity/}, whose {@code header}
 * names the generator and the package versions. Test code only; any thread.
 */
public final class FidelityFixture {
    private final String name;
    private final JsonObject root;

    private FidelityFixture(String name, JsonObject root) {
        this.name = name;
        this.root = root;
    }

    /** Loads {@code /fidelity/<name>} from the test classpath. */
    public static FidelityFixture load(String name) {
        String resource = "/fidelity/" + name;
        try (InputStream in = FidelityFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing fixture " + resource + "; regenerate it with reference/fidelity (see its README)");
            }
            JsonElement json =
                    JsonParser.parseReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
            return new FidelityFixture(name, json.getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonObject root() {
        return root;
    }

    public JsonObject header() {
        return root.getAsJsonObject("header");
    }

    /** The version of {@code pkg} that produced the fixture, for assertion messages. */
    public String version(String pkg) {
        JsonElement v = header().getAsJsonObject("packages").get(pkg);
        return v == null ? "?" : v.getAsString();
    }

    /** "noise.json.gz (torch 2.9.1)": where an expected value came from. */
    public String source(String pkg) {
        return name + " (" + pkg + " " + version(pkg) + ")";
    }

    /** Little-endian float32 bytes in base64, as the generators write them. */
    public static float[] floats(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** Little-endian float32 bytes of {@code values}. */
    public static byte[] bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static float[] floatArray(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    public static int[] intArray(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    public static long[] longArray(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    /** Distance in units in the last place between two finite floats of any sign. */
    public static long ulps(float a, float b) {
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits >= 0 ? bits : (long) Integer.MIN_VALUE - bits;
    }
}
