package dev.strobe.loadtest.sweep;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws a sweep as a PNG with Java2D: time to final image p50 and p99 (left axis, ms) and achieved
 * throughput (right axis, images/s) against the offered load (requests/s), with the p99 limit and the
 * saturation rate marked. Latencies far above the limit are clipped at the top of the plot (drawn as
 * triangles) so the interesting range stays readable. Stateless; runs on the caller's thread, headless.
 */
public final class SweepChart {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 620;
    private static final int LEFT = 95;
    private static final int RIGHT = 95;
    private static final int TOP = 60;
    private static final int BOTTOM = 80;
    private static final Color P50 = new Color(0x1f77b4);
    private static final Color P99 = new Color(0xd62728);
    private static final Color THROUGHPUT = new Color(0x2ca02c);
    private static final Color GRID = new Color(0xe6e6e6);

    /** Renders {@code result} into an image. */
    public BufferedImage render(SweepResult result) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, result);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders {@code result} and writes it as a PNG file. */
    public void write(SweepResult result, Path file) throws IOException {
        if (!ImageIO.write(render(result), "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private void draw(Graphics2D g, SweepResult result) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        List<SweepResult.Step> steps = result.steps();
        int plotLeft = LEFT;
        int plotRight = WIDTH - RIGHT;
        int plotTop = TOP;
        int plotBottom = HEIGHT - BOTTOM;

        double maxRate =
                steps.stream().mapToDouble(SweepResult.Step::offeredRate).max().orElse(1);
        double limit = result.limits().maxP99Ms();
        double maxLatency = Math.max(
                limit * 1.15,
                steps.stream()
                        .mapToDouble(s -> orZero(s.summary().timeToFinalImage().p99()))
                        .max()
                        .orElse(0));
        maxLatency = Math.min(maxLatency, limit * 3); // clip runaway latencies of the failing step
        double maxThroughput = steps.stream()
                .mapToDouble(s -> s.summary().imagesPerSecond())
                .max()
                .orElse(1);
        AxisScale x = AxisScale.covering(maxRate * 1.05, 8, plotLeft, plotRight);
        AxisScale yLatency = AxisScale.covering(maxLatency, 6, plotBottom, plotTop);
        AxisScale yThroughput = AxisScale.covering(maxThroughput * 1.1, 6, plotBottom, plotTop);

        Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(plain);
        FontMetrics fm = g.getFontMetrics();
        // grid and tick labels
        for (double t : yLatency.ticks()) {
            int py = yLatency.pixel(t);
            g.setColor(GRID);
            g.drawLine(plotLeft, py, plotRight, py);
            g.setColor(Color.DARK_GRAY);
            String label = yLatency.label(t);
            g.drawString(label, plotLeft - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 2);
        }
        for (double t : yThroughput.ticks()) {
            int py = yThroughput.pixel(t);
            g.setColor(THROUGHPUT.darker());
            g.drawString(yThroughput.label(t), plotRight + 8, py + fm.getAscent() / 2 - 2);
        }
        for (double t : x.ticks()) {
            int px = x.pixel(t);
            g.setColor(GRID);
            g.drawLine(px, plotTop, px, plotBottom);
            g.setColor(Color.DARK_GRAY);
            String label = x.label(t);
            g.drawString(label, px - fm.stringWidth(label) / 2, plotBottom + fm.getAscent() + 6);
        }
        g.setColor(Color.BLACK);
        g.drawRect(plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop);

        // p99 limit
        Stroke dotted = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0);
        g.setStroke(dotted);
        g.setColor(P99);
        int limitY = yLatency.pixel(limit);
        g.drawLine(plotLeft, limitY, plotRight, limitY);
        g.drawString(String.format(Locale.ROOT, "max p99 %.0f ms", limit), plotLeft + 6, limitY - 5);

        // saturation marker
        result.saturation().ifPresent(sat -> {
            int px = x.pixel(sat.offeredRate());
            g.setColor(Color.GRAY);
            g.drawLine(px, plotTop, px, plotBottom);
            String label = String.format(
                    Locale.ROOT,
                    "saturation %.2f req/s, %.2f images/s",
                    sat.offeredRate(),
                    sat.summary().imagesPerSecond());
            int lx = Math.min(px + 6, plotRight - fm.stringWidth(label) - 4);
            g.drawString(label, lx, plotTop + 16);
        });

        // series
        series(g, steps, x, yLatency, s -> orNaN(s.summary().timeToFinalImage().p50()), P50, false);
        series(g, steps, x, yLatency, s -> orNaN(s.summary().timeToFinalImage().p99()), P99, false);
        series(g, steps, x, yThroughput, s -> s.summary().imagesPerSecond(), THROUGHPUT, true);

        // titles and axis labels
        g.setColor(Color.BLACK);
        g.setFont(plain.deriveFont(Font.BOLD, 17f));
        String title = "strobe sweep: latency and throughput against offered load";
        g.drawString(title, (WIDTH - g.getFontMetrics().stringWidth(title)) / 2, 32);
        g.setFont(plain.deriveFont(Font.PLAIN, 14f));
        FontMetrics axisFm = g.getFontMetrics();
        String xLabel = "offered load (requests/s, Poisson arrivals)";
        g.drawString(xLabel, (plotLeft + plotRight - axisFm.stringWidth(xLabel)) / 2, HEIGHT - 28);
        verticalLabel(g, "time to final image (ms)", 28, (plotTop + plotBottom) / 2, Color.BLACK);
        verticalLabel(g, "throughput (images/s)", WIDTH - 22, (plotTop + plotBottom) / 2, THROUGHPUT.darker());

        legend(g, plotLeft + 12, plotTop + 30, plain);
    }

    private static void series(
            Graphics2D g,
            List<SweepResult.Step> steps,
            AxisScale x,
            AxisScale y,
            ToDoubleFunction<SweepResult.Step> value,
            Color color,
            boolean dashed) {
        g.setColor(color);
        g.setStroke(
                dashed
                        ? new BasicStroke(
                                2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10, new float[] {9, 6}, 0)
                        : new BasicStroke(2.2f));
        int prevX = -1;
        int prevY = -1;
        for (SweepResult.Step s : steps) {
            double v = value.applyAsDouble(s);
            if (Double.isNaN(v)) {
                prevX = -1;
                continue;
            }
            int px = x.pixel(s.offeredRate());
            int py = y.pixel(v);
            if (prevX >= 0) {
                g.drawLine(prevX, prevY, px, py);
            }
            if (v > y.max()) {
                g.fillPolygon(new int[] {px - 6, px + 6, px}, new int[] {py + 8, py + 8, py - 2}, 3);
            } else {
                g.fillOval(px - 4, py - 4, 9, 9);
            }
            prevX = px;
            prevY = py;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, int x, int y, Font font) {
        g.setFont(font);
        String[] names = {"latency p50", "latency p99", "throughput (right axis)"};
        Color[] colors = {P50, P99, THROUGHPUT};
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x - 6, y - 16, 210, 70);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(x - 6, y - 16, 210, 70);
        for (int i = 0; i < names.length; i++) {
            int ly = y + i * 20;
            g.setColor(colors[i]);
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(x, ly - 4, x + 26, ly - 4);
            g.setColor(Color.BLACK);
            g.drawString(names[i], x + 34, ly);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void verticalLabel(Graphics2D g, String text, int x, int centerY, Color color) {
        AffineTransform saved = g.getTransform();
        g.setColor(color);
        g.rotate(-Math.PI / 2, x, centerY);
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, centerY);
        g.setTransform(saved);
    }

    private static double orZero(Double v) {
        return v == null ? 0 : v;
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }
}
