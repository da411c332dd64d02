package dev.strobe.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ToolsMainTest {

    private record Run(int exit, String out, String err) {
        JsonObject json() {
            String[] lines = out.strip().split("\n");
            return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        }
    }

    private static Run run(String... args) {
        CommandLine cl = ToolsMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void tokenizePrintsSeventySevenIdsPerEncoder() {
        Run l = run("tokenize", "a photo of a cat");
        assertEquals(0, l.exit());
        JsonArray ids = l.json().getAsJsonArray("ids");
        assertEquals(77, ids.size());
        long[] head = {49406, 320, 1125, 539, 320, 2368, 49407, 49407};
        for (int i = 0; i < head.length; i++) {
            assertEquals(head[i], ids.get(i).getAsLong());
        }
        assertFalse(l.json().get("truncated").getAsBoolean());
        Run g = run("tokenize", "--encoder", "clip-g", "a photo of a cat");
        assertEquals(0, g.json().getAsJsonArray("ids").get(7).getAsLong());
        Run longPrompt = run("tokenize", "a ".repeat(80));
        assertTrue(longPrompt.json().get("truncated").getAsBoolean());
        assertEquals(80, longPrompt.json().get("prompt_tokens").getAsInt());
    }

    @Test
    void scheduleForFourSteps() {
        Run r = run("schedule", "--steps", "4");
        assertEquals(0, r.exit());
        JsonArray t = r.json().getAsJsonArray("timesteps");
        JsonArray s = r.json().getAsJsonArray("sigmas");
        assertEquals(4, t.size());
        assertEquals(5, s.size());
        assertEquals(749.0, t.get(1).getAsDouble());
        assertEquals(4.081731, s.get(1).getAsDouble(), 4.081731 * 1e-5);
        assertEquals(0.0, s.get(4).getAsDouble());
        Run sgm = run("schedule", "--steps", "4", "--spacing", "sgm_uniform", "--prediction", "sample");
        assertEquals(749.25, sgm.json().getAsJsonArray("timesteps").get(1).getAsDouble());
        assertEquals("sample", sgm.json().get("prediction").getAsString());
    }

    @Test
    void noisePrintsEveryValue() {
        Run r = run("noise", "--seed", "0", "--shape", "1,4,8,8");
        assertEquals(0, r.exit());
        JsonArray v = r.json().getAsJsonArray("values");
        assertEquals(256, v.size());
        assertEquals(-1.1258398f, v.get(0).getAsFloat());
        assertEquals(-0.4338788f, v.get(3).getAsFloat(), 1e-7f);
        Run unsigned = run("noise", "--seed", "18446744073709551615", "--shape", "3");
        Run minusOne = run("noise", "--seed", "-1", "--shape", "3");
        assertEquals(unsigned.json().get("values"), minusOne.json().get("values"));
    }

    @Test
    void badArgumentsExitNonZeroWithOneLine() {
        String[][] bad = {
            {"schedule", "--steps", "0"},
            {"schedule"},
            {"schedule", "--steps", "4", "--spacing", "karras"},
            {"noise", "--seed", "abc", "--shape", "1,4"},
            {"noise", "--seed", "1", "--shape", "1,-4"},
            {"tokenize", "--encoder", "t5", "x"},
            {"tokenize"},
            {"frobnicate"},
            {},
        };
        for (String[] args : bad) {
            Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
            String err = r.err().strip();
            assertTrue(err.startsWith("error: "), err);
            assertFalse(err.contains("\n"), "one line: " + err);
            assertTrue(r.out().isEmpty());
        }
    }
}
