package dev.strobe.json;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON files strobe writes beside models ({@code model.json}, {@code engine.json}): snake_case
 * field names, pretty-printed, read back with one clear error naming the file.
 */
public final class JsonFiles {
    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    private JsonFiles() {}

    /**
     * @param what what the file should be, for the error message (e.g. "model manifest")
     * @throws IOException when the file is unreadable, empty or not valid JSON for the type
     */
    public static <T> T read(Path file, Class<T> type, String what) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + " is not a valid " + what + ": it is not UTF-8 text", e);
        }
        try {
            T value = GSON.fromJson(text, type);
            if (value == null) {
                throw new IOException(file + " is empty");
            }
            return value;
        } catch (JsonParseException | NumberFormatException e) {
            // Gson lets a malformed number escape as NumberFormatException (found by ManifestFuzzTest).
            throw new IOException(file + " is not a valid " + what + ": " + firstLine(e), e);
        }
    }

    /** Gson's message without its cause's class name and the troubleshooting link on the next line. */
    private static String firstLine(RuntimeException e) {
        Throwable t = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }

    public static void write(Path file, Object value) throws IOException {
        Files.writeString(file, toJson(value) + "\n");
    }

    /**
     * A value read from a file, as it goes into a one-line message: a JSON string literal (so a
     * newline or a control character in the file shows as an escape, never breaks the line).
     */
    public static String quoted(String value) {
        return value == null ? "nothing" : new Gson().toJson(value);
    }

    public static String toJson(Object value) {
        return GSON.toJson(value);
    }
}
