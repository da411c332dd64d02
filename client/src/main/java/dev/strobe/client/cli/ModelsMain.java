package dev.strobe.client.cli;

import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.api.v1.UnavailableModel;
import dev.strobe.client.ClientConfigurationException;
import dev.strobe.client.StrobeClient;
import dev.strobe.client.StrobeException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strobe models}: prints the models a server serves and their limits, then the model folders
 * it found but could not load with the reason, as a table or (with {@code --json}) as one JSON
 * object. Runs on the main thread; same connection options and exit codes
 * as {@link GenerateMain}.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Lists the models of a strobe server and the limits a request must respect.")
public final class ModelsMain implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    CallOptions callOptions;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    ModelsMain(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Parses {@code args}, runs the command and returns its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        return CliSupport.commandLine(new ModelsMain(out, err, environment), out, err)
                .execute(args);
    }

    @Override
    public Integer call() {
        ListModelsResponse response;
        try (StrobeClient client =
                callOptions.applyTo(connection.toBuilder(environment)).build()) {
            response = client.listModels();
        } catch (ClientConfigurationException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID_ARGUMENTS;
        } catch (StrobeException e) {
            err.println("error: " + e.code() + ": " + GenerateMain.oneLine(e.description()));
            if (json) {
                out.println(CliSupport.errorJson(e.code().name(), e.description()));
            }
            return ExitCodes.forStatus(e.code());
        }
        if (json) {
            out.println(toJson(response));
        } else {
            printTable(response);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void printTable(ListModelsResponse response) {
        String format = "%-28s %5s  %-8s %-22s %8s %9s  %-12s %s%n";
        out.printf(format, "NAME", "STEPS", "PREDICTS", "SIZE (WxH range)", "DEFAULT", "MAX BATCH", "ENGINE", "");
        for (ModelInfo m : response.getModelsList()) {
            out.printf(
                    format,
                    m.getName(),
                    m.getSteps(),
                    prediction(m),
                    m.getMinWidth() + ".." + m.getMaxWidth() + "x" + m.getMinHeight() + ".." + m.getMaxHeight() + " /"
                            + m.getSizeMultiple(),
                    m.getDefaultWidth() + "x" + m.getDefaultHeight(),
                    m.getMaxBatch(),
                    m.getEngine(),
                    m.getIsDefault() || m.getName().equals(response.getDefaultModel()) ? "(default)" : "");
        }
        if (response.getModelsCount() == 0) {
            out.println("(the server serves no models)");
        }
        if (response.getUnavailableModelsCount() > 0) {
            out.println();
            out.println("UNAVAILABLE (found by the server but not loaded; not served):");
            for (UnavailableModel u : response.getUnavailableModelsList()) {
                out.println("  " + u.getName() + ": " + GenerateMain.oneLine(u.getReason()));
            }
        }
    }

    private static String prediction(ModelInfo m) {
        return switch (m.getPredictionType()) {
            case PREDICTION_TYPE_EPSILON -> "epsilon";
            case PREDICTION_TYPE_SAMPLE -> "sample";
            default -> "?";
        };
    }

    static String toJson(ListModelsResponse response) {
        List<Map<String, Object>> models = new ArrayList<>();
        for (ModelInfo m : response.getModelsList()) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", m.getName());
            model.put("family", m.getFamily());
            model.put("steps", m.getSteps());
            model.put("prediction_type", prediction(m));
            model.put("timestep_spacing", m.getTimestepSpacing());
            model.put("min_width", m.getMinWidth());
            model.put("max_width", m.getMaxWidth());
            model.put("min_height", m.getMinHeight());
            model.put("max_height", m.getMaxHeight());
            model.put("size_multiple", m.getSizeMultiple());
            model.put("default_width", m.getDefaultWidth());
            model.put("default_height", m.getDefaultHeight());
            model.put("max_batch", m.getMaxBatch());
            model.put("engine", m.getEngine());
            model.put("is_default", m.getIsDefault());
            models.add(model);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("default_model", response.getDefaultModel());
        root.put("models", models);
        List<Map<String, Object>> unavailable = new ArrayList<>();
        for (UnavailableModel u : response.getUnavailableModelsList()) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", u.getName());
            model.put("folder", u.getFolder());
            model.put("reason", u.getReason());
            unavailable.add(model);
        }
        root.put("unavailable_models", unavailable);
        return CliSupport.GSON.toJson(root);
    }
}
