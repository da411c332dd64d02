package dev.strobe.client.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** Shared wiring of the strobe command-line tools: picocli setup and the JSON error line. */
final class CliSupport {

    /** Compact JSON (one object per line), exact long values, NaN allowed for absent measurements. */
    static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .create();

    private CliSupport() {}

    /**
     * A picocli command line writing to the given streams, with enum values accepted in any case and
     * usage errors ending in {@link ExitCodes#INVALID_ARGUMENTS}.
     */
    static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.INVALID_ARGUMENTS);
        cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.SERVER_ERROR);
        return cl;
    }

    /** {@code {"error":{"code":CODE,"message":MESSAGE}}} for the last line of a failed --json run. */
    static String errorJson(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null ? "" : message);
        return GSON.toJson(Map.of("error", error));
    }
}
