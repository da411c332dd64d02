package dev.strobe.loadtest.soak;

import dev.strobe.client.cli.DurationConverter;
import dev.strobe.loadtest.driver.PoissonArrivals;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtest soak}: holds a fraction of the server's saturation rate for a set time with a
 * realistic mix (several sizes and models, previews on and off, 1-4 images, 10% of clients
 * cancelling at a random step, 5% never reading their stream, 2% hostile requests), samples the
 * server's gauges from /metrics every few seconds, and fails ({@link SoakVerdict}) when one grows
 * without bound, when anything is still held at the end, or when time to first preview drifts.
 * Writes the samples as CSV when asked. Main thread; exit 0 passed, 1 failed.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Hold 70-80% of the saturation rate with a hostile mix and check that nothing grows or leaks.")
public final class SoakCommand implements Callable<Integer> {
    @Option(
            names = "--target",
            defaultValue = "localhost:50051",
            description = "Server (plaintext). Default: ${DEFAULT-VALUE}.")
    String target;

    @Option(names = "--metrics", required = true, paramLabel = "URL", description = "The server's /metrics URL.")
    URI metrics;

    @Option(
            names = "--saturation-rate",
            required = true,
            paramLabel = "R",
            description = "Requests/s at which this mix saturates the server (from loadtest sweep or a short run).")
    double saturationRate;

    @Option(
            names = "--fraction",
            defaultValue = "0.75",
            description = "Share of the saturation rate offered. Default: ${DEFAULT-VALUE}.")
    double fraction;

    @Option(
            names = "--duration",
            defaultValue = "3m",
            converter = DurationConverter.class,
            description = "Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = "--sample-every",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Default: ${DEFAULT-VALUE}.")
    Duration sampleEvery;

    @Option(
            names = "--never-read-deadline",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description =
                    "Deadline of the clients that never read, so the server frees them. Default: ${DEFAULT-VALUE}.")
    Duration neverReadDeadline;

    @Option(
            names = "--settle",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "Longest wait after the load for everything to end before the final check. Default: ${DEFAULT-VALUE}.")
    Duration settle;

    @Option(
            names = "--drift-factor",
            defaultValue = "2.0",
            description = "Largest allowed TTFP p99 ratio, last fifth / first. Default: ${DEFAULT-VALUE}.")
    double driftFactor;

    @Option(
            names = "--model",
            split = ",",
            defaultValue = "tiny-lightning-2step,tiny-lightning-4step,tiny-lightning-8step",
            description = "Models of the mix. Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(
            names = "--side",
            split = ",",
            defaultValue = "256,512,768",
            description = "Square sizes of the mix. Default: ${DEFAULT-VALUE}.")
    List<Integer> sides;

    @Option(names = "--csv", description = "Write every sample here (seconds, gauges).")
    Path csv;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    private final PrintStream out;

    public SoakCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        double rate = saturationRate * fraction;
        ManagedChannel channel = NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        MetricsSampler sampler = new MetricsSampler(metrics);
        SoakRequests requests =
                new SoakRequests(channel, models, sides, neverReadDeadline.toMillis(), System::nanoTime);
        List<SoakVerdict.Sample> samples = new ArrayList<>();
        Random random = new Random(seed);
        PoissonArrivals arrivals = new PoissonArrivals(rate, new Random(seed + 1));
        out.printf(
                Locale.ROOT,
                "soak: %.2f req/s (%.0f%% of %.2f) for %s against %s%n",
                rate,
                100 * fraction,
                saturationRate,
                duration,
                target);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long nextSample = start;
        long next = start + arrivals.nextGapNanos();
        long id = 0;
        try {
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (now >= nextSample) {
                    Map<String, Double> g = sampler.sample();
                    samples.add(new SoakVerdict.Sample(now - start, g));
                    out.printf(
                            Locale.ROOT,
                            "t=%5.0fs %s open-client-streams=%d%n",
                            (now - start) / 1e9,
                            g,
                            requests.open.get());
                    nextSample += sampleEvery.toNanos();
                }
                if (now >= next) {
                    requests.send(random, id++);
                    next += arrivals.nextGapNanos();
                    continue;
                }
                long sleep = Math.min(next, Math.min(nextSample, end)) - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            long settleEnd = System.nanoTime() + settle.toNanos();
            Map<String, Double> last = sampler.sample();
            while (System.nanoTime() < settleEnd && (requests.open.get() > 0 || held(last))) {
                Thread.sleep(500);
                last = sampler.sample();
            }
            Map<String, Long> outcomes = new TreeMap<>();
            requests.outcomes.forEach((k, v) -> outcomes.put(k, v.get()));
            double[] p99 = SoakVerdict.ttfpP99ByFifth(requests.ttfp);
            out.printf(
                    Locale.ROOT,
                    "sent %d requests; outcomes %s; client streams still open %d%n",
                    id,
                    outcomes,
                    requests.open.get());
            out.printf(
                    Locale.ROOT,
                    "time to first preview p99: first fifth %.0f ms, last fifth %.0f ms%n",
                    p99[0],
                    p99[1]);
            out.printf(Locale.ROOT, "at the end: %s%n", last);
            if (csv != null) {
                writeCsv(samples);
            }
            List<String> failures = SoakVerdict.failures(samples, last, requests.ttfp, driftFactor, outcomes);
            if (failures.isEmpty()) {
                out.println("soak passed");
                return 0;
            }
            failures.forEach(f -> out.println("soak FAILED: " + f));
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }

    private static boolean held(Map<String, Double> g) {
        return g.get("strobe_open_streams") != 0
                || g.get("strobe_active_images") != 0
                || g.get("strobe_queue_depth") != 0;
    }

    private void writeCsv(List<SoakVerdict.Sample> samples) throws java.io.IOException {
        StringBuilder b = new StringBuilder("seconds," + String.join(",", MetricsSampler.GAUGES) + "\n");
        for (SoakVerdict.Sample s : samples) {
            b.append(String.format(Locale.ROOT, "%.1f", s.nanos() / 1e9));
            for (String g : MetricsSampler.GAUGES) {
                b.append(',').append(s.gauges().get(g));
            }
            b.append('\n');
        }
        if (csv.getParent() != null) {
            Files.createDirectories(csv.getParent());
        }
        Files.writeString(csv, b);
    }
}
