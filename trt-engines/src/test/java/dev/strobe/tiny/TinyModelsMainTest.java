package dev.strobe.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The strobe-tiny-models command line: output, exit codes, --force. */
class TinyModelsMainTest {

    private record Outcome(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new TinyModelsMain());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void writesTheFourModelsThenRefusesToOverwriteWithoutForce(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("models");
        Outcome first = run("--out", repo.toString());
        assertEquals(0, first.exitCode(), first.err());
        for (Path folder : TinyModelSet.folders(repo)) {
            assertTrue(first.out().contains("wrote " + folder), first.out());
            assertTrue(Files.isRegularFile(folder.resolve("model.json")));
        }
        byte[] unet = Files.readAllBytes(repo.resolve("tiny-lightning-4step/unet/model.onnx"));

        Outcome again = run("--out", repo.toString(), "--seed", "7");
        assertEquals(2, again.exitCode());
        assertEquals(1, again.errLines().size(), again.err());
        assertTrue(again.err().contains("--force"), again.err());
        assertTrue(Arrays.equals(unet, Files.readAllBytes(repo.resolve("tiny-lightning-4step/unet/model.onnx"))));

        Outcome forced = run("--out", repo.toString(), "--seed", "7", "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertFalse(Arrays.equals(unet, Files.readAllBytes(repo.resolve("tiny-lightning-4step/unet/model.onnx"))));
    }

    @Test
    void failsWithOneLineWhenTheFolderCannotBeWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-folder");
        Files.writeString(file, "x");
        Outcome o = run("--out", file.toString());
        assertEquals(1, o.exitCode());
        assertEquals(1, o.errLines().size(), o.err());
        assertTrue(o.err().startsWith("error: cannot write the tiny models to " + file), o.err());
    }
}
