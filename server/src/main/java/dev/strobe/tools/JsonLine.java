package dev.strobe.tools;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.Map;

/** Prints a subcommand's result as one compact JSON object on one line. */
final class JsonLine {
    private static final Gson GSON =
            new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private JsonLine() {}

    static void print(PrintWriter out, Map<String, ?> fields) {
        out.println(GSON.toJson(fields));
        out.flush();
    }
}
