package dev.strobe.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strobe.tiny.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the ONNX checker of Debian's python3-onnx (1.12: IR version 8, opset 17) with full_check
 * (strict shape inference) over every generated graph. Skipped where python3-onnx is missing;
 * CI installs it.
 */
class OnnxCheckerTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String CHECK = String.join(
            "\n",
            "import onnx, sys",
            "for f in sys.argv[1:]:",
            "    onnx.checker.check_model(onnx.load(f), full_check=True)",
            "    print('ok', f)");

    @Test
    void debiansOnnxCheckerAcceptsEveryGraph(@TempDir Path dir) throws Exception {
        assumeTrue(run(List.of(PYTHON, "-c", "import onnx")).exitCode == 0, "python3-onnx is not installed");
        TinyModelGenerator generator = TinyModelGenerator.forSeed(TinyModelSet.DEFAULT_SEED);
        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", CHECK));
        for (TinyModelSpec spec : List.of(TinyModelSpec.lightning(1), TinyModelSpec.lightning(4))) {
            Path model = dir.resolve(spec.name());
            generator.generate(model, spec);
            for (String f : List.of(
                    TinyManifest.TEXT_ENCODER_FILE,
                    TinyManifest.TEXT_ENCODER_2_FILE,
                    TinyManifest.UNET_FILE,
                    TinyManifest.VAE_DECODER_FILE)) {
                command.add(model.resolve(f).toString());
            }
        }
        Result r = run(command);
        assertEquals(0, r.exitCode, "the ONNX checker rejected a graph:\n" + r.output);
        assertEquals(8, r.output.lines().filter(l -> l.startsWith("ok ")).count(), r.output);
    }

    /** optimum's layout: fp16 boundaries, the shared timestep forms, weights in model.onnx_data. */
    @Test
    void debiansOnnxCheckerAcceptsTheOptimumExport(@TempDir Path dir) throws Exception {
        assumeTrue(run(List.of(PYTHON, "-c", "import onnx")).exitCode == 0, "python3-onnx is not installed");
        TinyOptimumExport export = TinyOptimumExport.forSeed(TinyModelSet.DEFAULT_SEED);
        TinyOptimumExport.Options fp16 = TinyOptimumExport.Options.optimum(
                        TinyModelSpec.lightning(4), TinyOptimumExport.Precision.FP16)
                .withUnetExternalData(true);
        export.write(dir, fp16);
        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", CHECK));
        for (String f : List.of(
                TinyManifest.TEXT_ENCODER_FILE,
                TinyManifest.TEXT_ENCODER_2_FILE,
                TinyManifest.UNET_FILE,
                TinyManifest.VAE_DECODER_FILE)) {
            command.add(dir.resolve(f).toString());
        }
        for (TinyOptimumExport.Timestep form :
                List.of(TinyOptimumExport.Timestep.SINGLETON, TinyOptimumExport.Timestep.SCALAR_INT64)) {
            Path unet = dir.resolve("unet-" + form + ".onnx");
            Files.write(
                    unet,
                    export.unetGraph(fp16.withTimestep(form).withUnetExternalData(false))
                            .toByteArray());
            command.add(unet.toString());
        }
        Result r = run(command);
        assertEquals(0, r.exitCode, "the ONNX checker rejected a graph:\n" + r.output);
        assertEquals(6, r.output.lines().filter(l -> l.startsWith("ok ")).count(), r.output);
    }

    /** Guards the tests above against passing vacuously: a graph using an undefined value fails. */
    @Test
    void checkerRejectsABrokenGraph(@TempDir Path dir) throws Exception {
        assumeTrue(run(List.of(PYTHON, "-c", "import onnx")).exitCode == 0, "python3-onnx is not installed");
        OnnxGraphBuilder g = new OnnxGraphBuilder("broken");
        String x = g.input("x", OnnxGraphBuilder.FLOAT, "batch", 4);
        g.output("y", g.add(x, "undefined_value"), OnnxGraphBuilder.FLOAT, "batch", 4);
        Path file = dir.resolve("broken.onnx");
        Files.write(file, g.toBytes());
        Result r = run(List.of(PYTHON, "-c", CHECK, file.toString()));
        assertNotEquals(0, r.exitCode, r.output);
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("onnx-check", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the ONNX checker did not finish in 120 s: " + command);
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage()); // no python3 at all
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
