package dev.strobe.loadtest.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear axis from 0 to a "nice" maximum (1, 2 or 5 times a power of ten per tick), mapping values to
 * pixels. Immutable; used by {@link SweepChart}.
 */
record AxisScale(double max, double tick, int pixelStart, int pixelEnd) {

    /** An axis covering {@code 0..dataMax} with about {@code targetTicks} ticks. */
    static AxisScale covering(double dataMax, int targetTicks, int pixelStart, int pixelEnd) {
        double span = dataMax > 0 && Double.isFinite(dataMax) ? dataMax : 1;
        double rough = span / Math.max(targetTicks, 1);
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double residual = rough / magnitude;
        double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
        double tick = nice * magnitude;
        double max = Math.ceil(span / tick - 1e-9) * tick;
        return new AxisScale(max, tick, pixelStart, pixelEnd);
    }

    /** The pixel of {@code value}, clamped to the axis. */
    int pixel(double value) {
        double clamped = Math.max(0, Math.min(max, value));
        return (int) Math.round(pixelStart + (pixelEnd - pixelStart) * clamped / max);
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; i * tick <= max * (1 + 1e-9); i++) {
            ticks.add(i * tick);
        }
        return ticks;
    }

    /** A tick label without needless decimals. */
    String label(double value) {
        if (tick >= 1 && Math.abs(value - Math.rint(value)) < 1e-9) {
            return Long.toString(Math.round(value));
        }
        // Ticks are 1, 2 or 5 times a power of ten, so the power fixes the decimals (0.5 -> 1, 0.05 -> 2).
        int decimals = (int) Math.max(0, -Math.floor(Math.log10(tick) + 1e-9));
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
    }
}
