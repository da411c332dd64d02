package dev.strobe.loadtest;

import dev.strobe.client.ClientConfigurationException;
import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.client.cli.ConnectionOptions;
import dev.strobe.loadtest.driver.LoadConfigurationException;
import dev.strobe.loadtest.driver.LoadDriver;
import dev.strobe.loadtest.driver.PoissonArrivals;
import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.loadtest.driver.SystemTicker;
import dev.strobe.loadtest.grpc.ClientRequestSender;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadtest run}: one open-loop ({@code --rate}, Poisson arrivals) or closed-loop
 * ({@code --concurrency}) run against a server, printing the summary and the JSON line. Main thread.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "One load run: open loop with --rate (default 1 req/s) or closed loop with --concurrency.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--rate", paramLabel = "R", description = "Open loop: mean arrivals per second (Poisson).")
    Double rate;

    @Option(names = "--concurrency", paramLabel = "N", description = "Closed loop: number of concurrent streams.")
    Integer concurrency;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "0",
            description = {
                "Retries of a request refused before its first event (UNAVAILABLE, RESOURCE_EXHAUSTED), as the"
                        + " Java client's retry policy makes them; with several replicas a retry is a new pick, usually another"
                        + " replica. Default ${DEFAULT-VALUE}: every refusal counts as an error."
            })
    int retries;

    @Mixin
    LoadOptions load;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    RunCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (rate != null && concurrency != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give either --rate (open loop) or --concurrency (closed loop), not both");
        }
        StrobeClient.Builder builder;
        LoadDriver driver;
        try {
            if (retries < 0) {
                throw new ClientConfigurationException("--retries must be 0 or more, got " + retries);
            }
            builder = connection.toBuilder(environment)
                    .retryPolicy(retries == 0 ? RetryPolicy.noRetries() : RetryPolicy.withAttempts(retries + 1));
            load.mix(); // validate before connecting
            load.window();
        } catch (ClientConfigurationException | LoadConfigurationException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (StrobeClient client = builder.build()) {
            driver = new LoadDriver(
                    new ClientRequestSender(client, load.requestDeadline()), load.mix(), new SystemTicker());
            RunSummary summary;
            Random mixRandom = new Random(load.seed ^ 0x5DEECE66DL);
            if (concurrency != null) {
                err.printf(
                        Locale.ROOT,
                        "loadtest: %d concurrent stream(s) to %s, %s%n",
                        concurrency,
                        connection.target(),
                        load.describe().get("phases"));
                summary = driver.runClosedLoop(concurrency, load.window(), mixRandom);
            } else {
                double r = rate != null ? rate : 1.0;
                err.printf(
                        Locale.ROOT,
                        "loadtest: %.3f req/s (Poisson, seed %d) to %s, %s%n",
                        r,
                        load.seed,
                        connection.target(),
                        load.describe().get("phases"));
                summary = driver.runOpenLoop(new PoissonArrivals(r, new Random(load.seed)), load.window(), mixRandom);
            }
            out.print(summary.toText());
            out.println(summary.toJson());
            out.flush();
            if (summary.completed() == 0 && summary.sent() > 0) {
                err.println("error: no request completed; errors by code: " + summary.errors());
                return 1;
            }
            return 0;
        } catch (ClientConfigurationException | LoadConfigurationException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
