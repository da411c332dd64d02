package dev.strobe.loadtest;

import com.google.gson.GsonBuilder;
import dev.strobe.client.ClientConfigurationException;
import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.client.cli.ConnectionOptions;
import dev.strobe.client.cli.DurationConverter;
import dev.strobe.loadtest.driver.LoadConfigurationException;
import dev.strobe.loadtest.driver.LoadDriver;
import dev.strobe.loadtest.driver.PoissonArrivals;
import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.loadtest.driver.SystemTicker;
import dev.strobe.loadtest.grpc.ClientRequestSender;
import dev.strobe.loadtest.sweep.SaturationLimits;
import dev.strobe.loadtest.sweep.Sweep;
import dev.strobe.loadtest.sweep.SweepChart;
import dev.strobe.loadtest.sweep.SweepPlan;
import dev.strobe.loadtest.sweep.SweepReport;
import dev.strobe.loadtest.sweep.SweepResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loadtest sweep}: open-loop steps at rising offered rates until latency p99 or the error
 * ratio breaks the limits; prints every step, the saturation throughput and the JSON line, and writes
 * {@code sweep.md}, {@code sweep.png} and {@code sweep.json} into the report folder. Main thread.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Raises the offered load until latency p99 or errors exceed the limits; reports the saturation throughput.")
final class SweepCommand implements Callable<Integer> {

    @Option(
            names = "--start",
            paramLabel = "R",
            defaultValue = "0.5",
            description = "First offered rate, req/s (default: ${DEFAULT-VALUE}).")
    double start;

    @Option(
            names = "--factor",
            paramLabel = "F",
            defaultValue = "1.5",
            description = "Rate multiplier per step (default: ${DEFAULT-VALUE}).")
    double factor;

    @Option(
            names = "--max-steps",
            paramLabel = "N",
            defaultValue = "8",
            description = "Most steps to run (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(
            names = "--max-rate",
            paramLabel = "R",
            defaultValue = "0",
            description = "Highest rate to offer; 0 for no cap.")
    double maxRate;

    @Option(
            names = "--max-p99",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Limit on the time-to-final-image p99 (default: ${DEFAULT-VALUE}).")
    Duration maxP99;

    @Option(
            names = "--max-errors",
            paramLabel = "RATIO",
            defaultValue = "0.01",
            description = "Limit on the error ratio, 0..1 (default: ${DEFAULT-VALUE}).")
    double maxErrors;

    @Option(
            names = "--report-dir",
            paramLabel = "DIR",
            defaultValue = "loadtest-report",
            description = "Folder for sweep.md, sweep.png and sweep.json (default: ${DEFAULT-VALUE}).")
    Path reportDir;

    @Mixin
    LoadOptions load;

    @Mixin
    ConnectionOptions connection;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    SweepCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        SweepPlan plan;
        SaturationLimits limits;
        StrobeClient.Builder builder;
        try {
            plan = new SweepPlan(start, factor, maxSteps, maxRate);
            limits = new SaturationLimits(maxP99.toNanos() / 1e6, maxErrors);
            load.mix();
            load.window();
            builder = connection.toBuilder(environment).retryPolicy(RetryPolicy.noRetries());
        } catch (ClientConfigurationException | LoadConfigurationException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        out.printf(
                Locale.ROOT,
                "sweep of %s: rates %s req/s; limits: %s%n",
                connection.target(),
                plan.rates(),
                limits.describe());
        SweepResult result;
        try (StrobeClient client = builder.build()) {
            LoadDriver driver = new LoadDriver(
                    new ClientRequestSender(client, load.requestDeadline()), load.mix(), new SystemTicker());
            int[] stepIndex = {0};
            Sweep sweep = new Sweep(
                    plan,
                    limits,
                    rate -> {
                        long stepSeed = load.seed + 1000L * stepIndex[0]++;
                        return driver.runOpenLoop(
                                new PoissonArrivals(rate, new Random(stepSeed)),
                                load.window(),
                                new Random(stepSeed ^ 0x5DEECE66DL));
                    },
                    step -> out.println(stepLine(step)));
            result = sweep.run();
        }
        out.println(result.saturation()
                .map(s -> String.format(
                        Locale.ROOT,
                        "saturation: %.3f req/s offered -> %.3f images/s (limits: %s)",
                        s.offeredRate(),
                        s.summary().imagesPerSecond(),
                        limits.describe()))
                .orElse("saturation: none - the first step already broke the limits (" + limits.describe() + ")"));
        out.println("stopped: " + result.stopReason());
        try {
            Files.createDirectories(reportDir);
            Path chart = reportDir.resolve("sweep.png");
            Path report = reportDir.resolve("sweep.md");
            new SweepChart().write(result, chart);
            Map<String, String> setting = new LinkedHashMap<>();
            setting.put("target", connection.target());
            setting.put("date", Instant.now().toString());
            setting.put("offered rates", plan.rates() + " req/s, Poisson arrivals");
            setting.putAll(load.describe());
            Files.writeString(
                    report,
                    new SweepReport()
                            .render(result, setting, chart.getFileName().toString()),
                    StandardCharsets.UTF_8);
            String json = new GsonBuilder()
                    .serializeNulls()
                    .disableHtmlEscaping()
                    .create()
                    .toJson(result.toJsonMap(report.toString(), chart.toString()));
            Files.writeString(reportDir.resolve("sweep.json"), json + "\n", StandardCharsets.UTF_8);
            out.println("report: " + report + ", chart: " + chart);
            out.println(json);
        } catch (IOException e) {
            err.println("error: cannot write the sweep report into " + reportDir + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static String stepLine(SweepResult.Step step) {
        RunSummary s = step.summary();
        return String.format(
                Locale.ROOT,
                "step %.3f req/s: %.3f images/s, latency p50 %s p99 %s ms, TTFP p50 %s ms, error ratio %.2f%% -> %s",
                step.offeredRate(),
                s.imagesPerSecond(),
                num(s.timeToFinalImage().p50()),
                num(s.timeToFinalImage().p99()),
                num(s.timeToFirstPreview().p50()),
                s.errorRatio() * 100,
                step.withinLimits() ? "within limits" : "over: " + step.violation());
    }

    private static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
