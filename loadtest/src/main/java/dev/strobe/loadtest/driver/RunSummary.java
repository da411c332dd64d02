package dev.strobe.loadtest.driver;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The result of one load run, printed as readable lines and as the one-line JSON object that scripts
 * read (the same keys as the ghz converter in {@code loadtest/ghz/}). Immutable.
 *
 * @param sent measured requests sent (intended start inside the window)
 * @param completed measured requests that ended with done
 * @param incomplete measured requests still running when the drain timeout passed
 * @param errors measured requests that failed, by gRPC status code name
 * @param errorRatio (errors + incomplete) / (completed + errors + incomplete)
 * @param imagesPerSecond images finished inside the window per second of window
 * @param achievedRate measured requests sent per second (the offered rate as actually drawn)
 */
public record RunSummary(
        Shape shape,
        double durationSeconds,
        double warmupSeconds,
        long sent,
        long completed,
        long incomplete,
        long images,
        Map<String, Long> errors,
        double errorRatio,
        Percentiles timeToFirstPreview,
        Percentiles timeToFinalImage,
        Percentiles serverQueue,
        double imagesPerSecond,
        double streamsPerSecond,
        double achievedRate) {

    private static final Gson GSON =
            new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    /** How load was offered: open loop at a rate, or closed loop with a number of concurrent streams. */
    public record Shape(String mode, Double offeredRate, Integer concurrency) {
        public static Shape open(double rate) {
            return new Shape("open", rate, null);
        }

        public static Shape closed(int concurrency) {
            return new Shape("closed", null, concurrency);
        }
    }

    /** Percentiles in milliseconds; all null when nothing was recorded. */
    public record Percentiles(long count, Double p50, Double p90, Double p99, Double max, Double mean) {
        static Percentiles of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Percentiles(0, null, null, null, null, null);
            }
            return new Percentiles(
                    h.getTotalCount(),
                    ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)),
                    ms(h.getMaxValue()),
                    round(h.getMean() / 1000.0));
        }

        private static Double ms(long micros) {
            return round(micros / 1000.0);
        }
    }

    public RunSummary {
        errors = Map.copyOf(errors);
    }

    /** Error count over all codes. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The summary object; key order is stable, absent percentiles are null. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("completed", completed);
        m.put("ttfp_p50_ms", timeToFirstPreview.p50());
        m.put("ttfp_p99_ms", timeToFirstPreview.p99());
        m.put("latency_p50_ms", timeToFinalImage.p50());
        m.put("latency_p99_ms", timeToFinalImage.p99());
        m.put("images_per_s", round(imagesPerSecond));
        m.put("errors", new TreeMap<>(errors));
        m.put("mode", shape.mode());
        m.put("offered_rate", shape.offeredRate());
        m.put("concurrency", shape.concurrency());
        m.put("achieved_rate", round(achievedRate));
        m.put("duration_s", round(durationSeconds));
        m.put("warmup_s", round(warmupSeconds));
        m.put("sent", sent);
        m.put("incomplete", incomplete);
        m.put("error_ratio", round(errorRatio));
        m.put("images", images);
        m.put("streams_per_s", round(streamsPerSecond));
        m.put("ttfp_p90_ms", timeToFirstPreview.p90());
        m.put("ttfp_max_ms", timeToFirstPreview.max());
        m.put("latency_p90_ms", timeToFinalImage.p90());
        m.put("latency_max_ms", timeToFinalImage.max());
        m.put("latency_mean_ms", timeToFinalImage.mean());
        m.put("queue_ms_p50", serverQueue.p50());
        m.put("queue_ms_p99", serverQueue.p99());
        m.put("source", "strobe-loadtest");
        return m;
    }

    /** One line of JSON. */
    public String toJson() {
        return GSON.toJson(toJsonMap());
    }

    /** The readable summary, several lines, without the JSON line. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        String load = shape.offeredRate() != null
                ? String.format(
                        Locale.ROOT,
                        "open loop, offered %.2f req/s (Poisson, drawn %.2f)",
                        shape.offeredRate(),
                        achievedRate)
                : "closed loop, " + shape.concurrency() + " concurrent stream(s)";
        sb.append(String.format(
                Locale.ROOT,
                "strobe load test: %s; %.1f s measured after %.1f s warm-up%n",
                load,
                durationSeconds,
                warmupSeconds));
        sb.append(String.format(
                Locale.ROOT,
                "requests:   %d sent, %d completed, %d failed%s, %d incomplete, error ratio %.2f%%%n",
                sent,
                completed,
                errorCount(),
                errors.isEmpty() ? "" : " " + new TreeMap<>(errors),
                incomplete,
                errorRatio * 100));
        sb.append(String.format(
                Locale.ROOT, "throughput: %.3f images/s, %.3f streams/s%n", imagesPerSecond, streamsPerSecond));
        sb.append(line("time to first preview", timeToFirstPreview));
        sb.append(line("time to final image", timeToFinalImage));
        sb.append(line("server queue wait", serverQueue));
        return sb.toString();
    }

    private static String line(String name, Percentiles p) {
        if (p.count() == 0) {
            return String.format(Locale.ROOT, "%-22s (none recorded)%n", name + ":");
        }
        return String.format(
                Locale.ROOT,
                "%-22s p50 %9.1f  p90 %9.1f  p99 %9.1f  max %9.1f ms  (n=%d)%n",
                name + ":",
                p.p50(),
                p.p90(),
                p.p99(),
                p.max(),
                p.count());
    }

    static Double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        return Math.round(v * 1000.0) / 1000.0;
    }
}
