package dev.strobe.loadtest;

import dev.strobe.client.cli.DurationConverter;
import dev.strobe.loadtest.driver.LoadConfigurationException;
import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.WeightedChoice;
import dev.strobe.loadtest.driver.WeightedSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options shared by {@code loadtest run} and {@code loadtest sweep} (a picocli mixin): the request
 * mix, the phases of a run, the per-request deadline and the random seed. Filled by picocli; read on the
 * main thread.
 */
public final class LoadOptions {

    /** Previews switch of the command line. */
    enum OnOff {
        on,
        off
    }

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Measured time of a run (of each sweep step) (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--warmup",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Load sent before measuring starts (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "How long to wait after the window for requests still running; the rest count as incomplete (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(
            names = "--deadline",
            paramLabel = "DURATION",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description = "Deadline of each request; 0 for none (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(
            names = "--size",
            paramLabel = "WxH[:WEIGHT]",
            description =
                    "Image size, repeatable with weights, e.g. --size 1024x1024:3 --size 768x1344:1 (default: the model's).")
    List<String> sizes = new ArrayList<>();

    @Option(
            names = "--model",
            paramLabel = "NAME[:WEIGHT]",
            description = "Model, repeatable with weights (default: the server's default model).")
    List<String> models = new ArrayList<>();

    @Option(
            names = "--prompt",
            paramLabel = "TEXT",
            description = "Prompt, repeatable; requests pick one at random (default: five built-in prompts).")
    List<String> prompts = new ArrayList<>();

    @Option(
            names = "--previews",
            paramLabel = "on|off",
            defaultValue = "on",
            description = "Ask for a JPEG preview per step (default: ${DEFAULT-VALUE}).")
    OnOff previews;

    @Option(
            names = "--preview-max-side",
            paramLabel = "N",
            defaultValue = "0",
            description = "Longest preview side in pixels; 0 for the natural latent size.")
    int previewMaxSide;

    @Option(
            names = "--steps",
            paramLabel = "N",
            defaultValue = "0",
            description = "Denoising steps; 0 for the model's own.")
    int steps;

    @Option(
            names = "--num-images",
            paramLabel = "N",
            defaultValue = "1",
            description = "Images per request (default: ${DEFAULT-VALUE}).")
    int numImages;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Seed of the arrival times and the request mix: equal seeds send equal load (default: ${DEFAULT-VALUE}).")
    long seed;

    RequestMix mix() {
        return new RequestMix(
                sizes.isEmpty()
                        ? WeightedChoice.only(new WeightedSpec.ImageSize(0, 0))
                        : WeightedSpec.parse(sizes, WeightedSpec::parseSize, "size"),
                models.isEmpty()
                        ? WeightedChoice.only("")
                        : WeightedSpec.parse(
                                models,
                                m -> {
                                    if (m.isBlank()) {
                                        throw new LoadConfigurationException(
                                                "--model needs a name, e.g. --model sdxl-lightning-4step:2");
                                    }
                                    return m;
                                },
                                "model"),
                prompts.isEmpty() ? RequestMix.DEFAULT_PROMPTS : prompts,
                previews == OnOff.on,
                previewMaxSide,
                steps,
                numImages);
    }

    RunWindow window() {
        return new RunWindow(warmup, duration, drainTimeout);
    }

    Duration requestDeadline() {
        return deadline.isZero() || deadline.isNegative() ? null : deadline;
    }

    /** The mix and phases as readable settings for reports. */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sizes", sizes.isEmpty() ? "model default" : String.join(", ", sizes));
        m.put("models", models.isEmpty() ? "server default" : String.join(", ", models));
        m.put(
                "prompts",
                prompts.isEmpty() ? RequestMix.DEFAULT_PROMPTS.size() + " built-in" : Integer.toString(prompts.size()));
        m.put("previews", previews + (previewMaxSide > 0 ? " (max side " + previewMaxSide + ")" : ""));
        m.put("steps", steps == 0 ? "model default" : Integer.toString(steps));
        m.put("images per request", Integer.toString(numImages));
        m.put(
                "phases",
                "warm-up " + warmup.toMillis() / 1000.0 + " s, measured " + duration.toMillis() / 1000.0
                        + " s, drain up to " + drainTimeout.toMillis() / 1000.0 + " s");
        m.put(
                "request deadline",
                requestDeadline() == null ? "none" : requestDeadline().toMillis() / 1000.0 + " s");
        m.put("seed", Long.toString(seed));
        return m;
    }
}
