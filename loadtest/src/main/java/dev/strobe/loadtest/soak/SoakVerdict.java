package dev.strobe.loadtest.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The soak's pass/fail rules over what it recorded; pure arithmetic. A soak fails when:
 * <ul>
 *   <li>a gauge grows without bound: comparing the last fifth of the run with the first, heap
 *       after GC more than 1.5x + 64 MiB (medians), live threads more than 16 above the first
 *       fifth's highest, open streams, active images or queue depth more than 1.5x + 8 above it;
 *   <li>anything is still held at the end, after the load stopped and every deadline passed
 *       (open streams, active images, queue depth all 0: a cancelled or abandoned job still held);
 *   <li>time to first preview p99 of the requests started in the last fifth exceeds the first
 *       fifth's by more than the drift factor;
 *   <li>a request ended with UNKNOWN or INTERNAL, or a hostile request was not refused with
 *       INVALID_ARGUMENT or NOT_FOUND.
 * </ul>
 */
final class SoakVerdict {
    static final double MIB = 1024 * 1024;

    /** One scrape of the server's gauges at {@code nanos} on the soak's clock. */
    record Sample(long nanos, Map<String, Double> gauges) {}

    private SoakVerdict() {}

    /** The reasons the soak failed; empty when it passed. */
    static List<String> failures(
            List<Sample> during,
            Map<String, Double> atEnd,
            List<long[]> ttfp,
            double driftFactor,
            Map<String, Long> outcomes) {
        List<String> out = new ArrayList<>();
        int fifth = Math.max(1, during.size() / 5);
        if (during.size() >= 5) {
            List<Sample> first = during.subList(0, fifth);
            List<Sample> last = during.subList(during.size() - fifth, during.size());
            grows(
                    out,
                    "strobe_jvm_heap_after_gc_bytes",
                    median(first, "strobe_jvm_heap_after_gc_bytes") * 1.5 + 64 * MIB,
                    median(last, "strobe_jvm_heap_after_gc_bytes"),
                    "median");
            grows(
                    out,
                    "strobe_jvm_live_threads",
                    max(first, "strobe_jvm_live_threads") + 16,
                    max(last, "strobe_jvm_live_threads"),
                    "max");
            for (String g : List.of("strobe_open_streams", "strobe_active_images", "strobe_queue_depth")) {
                grows(out, g, max(first, g) * 1.5 + 8, max(last, g), "max");
            }
        } else {
            out.add("too few samples (" + during.size() + ") to judge growth; run longer");
        }
        for (String g : List.of("strobe_open_streams", "strobe_active_images", "strobe_queue_depth")) {
            Double v = atEnd.get(g);
            if (v == null || v.isNaN() || v != 0) {
                out.add(String.format(
                        Locale.ROOT, "%s is %s at the end, after every deadline passed: a job is still held", g, v));
            }
        }
        double[] p99 = ttfpP99ByFifth(ttfp);
        if (Double.isNaN(p99[0]) || Double.isNaN(p99[1])) {
            out.add("not enough previews in the first and last fifths to compare time to first preview");
        } else if (p99[1] > driftFactor * p99[0]) {
            out.add(String.format(
                    Locale.ROOT,
                    "time to first preview p99 drifted from %.0f ms (first fifth) to %.0f ms"
                            + " (last fifth), more than %.1fx",
                    p99[0],
                    p99[1],
                    driftFactor));
        }
        for (Map.Entry<String, Long> e : outcomes.entrySet()) {
            String k = e.getKey();
            if (k.endsWith(" UNKNOWN") || k.endsWith(" INTERNAL")) {
                out.add(e.getValue() + " request(s) ended " + k);
            }
            if (k.startsWith("hostile ") && !k.endsWith(" INVALID_ARGUMENT") && !k.endsWith(" NOT_FOUND")) {
                out.add(e.getValue() + " hostile request(s) ended " + k.substring("hostile ".length())
                        + " instead of INVALID_ARGUMENT or NOT_FOUND");
            }
        }
        return out;
    }

    /** TTFP p99 in ms of the requests started in the first and in the last fifth of the run. */
    static double[] ttfpP99ByFifth(List<long[]> ttfp) {
        if (ttfp.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        long lo = ttfp.stream().mapToLong(s -> s[0]).min().orElseThrow();
        long hi = ttfp.stream().mapToLong(s -> s[0]).max().orElseThrow();
        long span = Math.max(1, hi - lo);
        double[] first = ttfp.stream()
                .filter(s -> s[0] - lo <= span / 5)
                .mapToDouble(s -> s[1] / 1e6)
                .toArray();
        double[] last = ttfp.stream()
                .filter(s -> hi - s[0] <= span / 5)
                .mapToDouble(s -> s[1] / 1e6)
                .toArray();
        return new double[] {p99(first), p99(last)};
    }

    static double p99(double[] v) {
        if (v.length < 5) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
    }

    private static void grows(List<String> out, String gauge, double limit, double value, String what) {
        if (value > limit) {
            out.add(String.format(
                    Locale.ROOT,
                    "%s grows: %s of the last fifth %.0f, limit %.0f from the first fifth",
                    gauge,
                    what,
                    value,
                    limit));
        }
    }

    private static double median(List<Sample> s, String g) {
        double[] v = s.stream()
                .mapToDouble(x -> x.gauges().getOrDefault(g, Double.NaN))
                .filter(d -> !Double.isNaN(d))
                .sorted()
                .toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    private static double max(List<Sample> s, String g) {
        return s.stream()
                .mapToDouble(x -> x.gauges().getOrDefault(g, Double.NaN))
                .filter(d -> !Double.isNaN(d))
                .max()
                .orElse(Double.NaN);
    }
}
