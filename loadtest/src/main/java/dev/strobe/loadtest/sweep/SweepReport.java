package dev.strobe.loadtest.sweep;

import dev.strobe.loadtest.driver.RunSummary;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes a sweep as Markdown: the setting (target, request mix, step length), the limits, the
 * saturation throughput, the chart and a table of every step. Stateless.
 */
public final class SweepReport {

    /**
     * @param setting lines describing the run (target, mix, durations), printed as a list
     * @param chartFileName the chart's file name relative to the report, or null for none
     */
    public String render(SweepResult result, Map<String, String> setting, String chartFileName) {
        StringBuilder md = new StringBuilder();
        md.append("# strobe load sweep\n\n");
        setting.forEach(
                (k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("- limits: ").append(result.limits().describe()).append('\n');
        Optional<SweepResult.Step> sat = result.saturation();
        if (sat.isPresent()) {
            RunSummary s = sat.get().summary();
            md.append(String.format(
                    Locale.ROOT,
                    "- **saturation: %.3f req/s offered, %.3f images/s achieved** (latency p99 %s ms, error ratio %.2f%%)%n",
                    sat.get().offeredRate(),
                    s.imagesPerSecond(),
                    num(s.timeToFinalImage().p99()),
                    s.errorRatio() * 100));
        } else {
            md.append("- **saturation: none** - the first step already broke the limits; start lower (--start)\n");
        }
        md.append("- stopped: ").append(result.stopReason()).append("\n\n");
        if (chartFileName != null) {
            md.append("![latency and throughput against offered load](")
                    .append(chartFileName)
                    .append(")\n\n");
        }
        md.append("| offered req/s | drawn req/s | completed | images/s | streams/s | TTFP p50 ms | TTFP p99 ms "
                + "| latency p50 ms | latency p99 ms | server queue p50 ms | errors | error ratio | within limits |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        for (SweepResult.Step step : result.steps()) {
            RunSummary s = step.summary();
            md.append(String.format(
                    Locale.ROOT,
                    "| %.3f | %.3f | %d | %.3f | %.3f | %s | %s | %s | %s | %s | %s | %.2f%% | %s |%n",
                    step.offeredRate(),
                    s.achievedRate(),
                    s.completed(),
                    s.imagesPerSecond(),
                    s.streamsPerSecond(),
                    num(s.timeToFirstPreview().p50()),
                    num(s.timeToFirstPreview().p99()),
                    num(s.timeToFinalImage().p50()),
                    num(s.timeToFinalImage().p99()),
                    num(s.serverQueue().p50()),
                    errors(s),
                    s.errorRatio() * 100,
                    step.withinLimits() ? "yes" : "no: " + step.violation()));
        }
        md.append("\nTimes are measured by the client from each request's intended (Poisson) start, so queueing "
                + "in the client or the server counts. TTFP = time to first preview; latency = time to the final "
                + "image. Throughput counts images finished inside each step's measured window.\n");
        return md.toString();
    }

    private static String errors(RunSummary s) {
        if (s.errors().isEmpty() && s.incomplete() == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(s.errors())
                .forEach((code, n) -> sb.append(sb.length() == 0 ? "" : ", ")
                        .append(code)
                        .append(' ')
                        .append(n));
        if (s.incomplete() > 0) {
            sb.append(sb.length() == 0 ? "" : ", ").append("incomplete ").append(s.incomplete());
        }
        return sb.toString();
    }

    private static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
