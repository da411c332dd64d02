package dev.strobe.model;

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
        try {
            T value = GSON.fromJson(Files.readString(file), type);
            if (value == null) {
                throw new IOException(file + " is empty");
            }
            return value;
        } catch (JsonParseException e) {
            throw new IOException(file + " is not a valid " + what + ": " + e.getMessage(), e);
        }
    }

    public static void write(Path file, Object value) throws IOException {
        Files.writeString(file, toJson(value) + "\n");
    }

    public static String toJson(Object value) {
        return GSON.toJson(value);
    }
}
