package dev.strobe.loadtest.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepOutputTest {

    @TempDir
    Path dir;

    private static SweepResult result() {
        SaturationLimits limits = new SaturationLimits(1000, 0.01);
        return new SweepResult(
                limits,
                List.of(
                        new SweepResult.Step(1, SweepTest.step(1, 300, 0), null),
                        new SweepResult.Step(2, SweepTest.step(2, 600, 0), null),
                        new SweepResult.Step(4, SweepTest.step(4, 2500, 0.02), "latency p99 2500.0 ms > 1000.0 ms")),
                "4.000 req/s broke the limits");
    }

    @Test
    void theChartIsAPngWithTheThreeSeriesDrawn() throws Exception {
        Path file = dir.resolve("sweep.png");
        new SweepChart().write(result(), file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(1000, image.getWidth());
        assertEquals(620, image.getHeight());
        assertTrue(countColor(image, 0x1f77b4) > 100, "p50 line drawn");
        assertTrue(countColor(image, 0xd62728) > 100, "p99 line drawn");
        assertTrue(countColor(image, 0x2ca02c) > 100, "throughput line drawn");
    }

    private static int countColor(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void theReportHasTheLimitsTheSaturationAndARowPerStep() {
        Map<String, String> setting = new LinkedHashMap<>();
        setting.put("target", "localhost:50051");
        String md = new SweepReport().render(result(), setting, "sweep.png");

        assertTrue(md.contains("- target: localhost:50051"), md);
        assertTrue(md.contains("latency p99 <= 1000 ms and error ratio <= 1.00%"), md);
        assertTrue(md.contains("**saturation: 2.000 req/s offered, 2.000 images/s achieved**"), md);
        assertTrue(md.contains("![latency and throughput against offered load](sweep.png)"), md);
        long rows = md.lines()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| offered"))
                .count();
        assertEquals(3, rows);
        assertTrue(md.contains("no: latency p99 2500.0 ms > 1000.0 ms"), md);
    }

    @Test
    void axisTicksAreRoundNumbers() {
        AxisScale axis = AxisScale.covering(7.3, 8, 0, 100);
        assertEquals(1.0, axis.tick());
        assertEquals(8.0, axis.max());
        assertEquals("0.5", AxisScale.covering(2.2, 5, 0, 100).label(0.5));
        assertEquals("1500", AxisScale.covering(3000, 6, 0, 100).label(1500));
    }
}
