package dev.strobe.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void rendersImageBarStepAndElapsedTime() {
        String line = ProgressPrinter.render(0, 2, 2, 4, 812);
        assertTrue(line.startsWith("image 1/2 ["), line);
        assertTrue(line.contains("############............"), line);
        assertTrue(line.endsWith("] step 2/4  812 ms"), line);
    }

    @Test
    void aTerminalRedrawsOneLinePerImage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        for (int step = 1; step <= 4; step++) {
            printer.step(0, 1, step, 4, step * 10L);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(4, text.chars().filter(c -> c == '\r').count());
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "all four updates share one line");
        assertTrue(text.endsWith(System.lineSeparator()));
    }

    @Test
    void aPipeGetsOneLinePerStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int step = 1; step <= 4; step++) {
            printer.step(0, 1, step, 4, step * 10L);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(4, text.chars().filter(c -> c == '\n').count());
        assertTrue(text.indexOf('\r') < 0);
    }
}
