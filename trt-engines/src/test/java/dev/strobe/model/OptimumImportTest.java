package dev.strobe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.tiny.TinyModelSet;
import dev.strobe.tiny.TinyModelSpec;
import dev.strobe.tiny.TinyOptimumExport;
import dev.strobe.tiny.TinyOptimumExport.Options;
import dev.strobe.tiny.TinyOptimumExport.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Importing optimum's SDXL layout (written by {@link TinyOptimumExport}) into a model.json, and
 * the one-line refusals for folders that are not SDXL exports.
 */
class OptimumImportTest {
    @TempDir
    static Path shared;

    static Path fourStep;
    static Path oneStep;

    @TempDir
    Path work;

    @BeforeAll
    static void writeExports() throws IOException {
        TinyOptimumExport export = TinyOptimumExport.forSeed(TinyModelSet.DEFAULT_SEED);
        fourStep = shared.resolve("four");
        oneStep = shared.resolve("one");
        export.write(
                fourStep,
                Options.optimum(TinyModelSpec.lightning(4), Precision.FP16).withUnetExternalData(true));
        export.write(oneStep, Options.optimum(TinyModelSpec.lightning(1), Precision.FP32));
    }

    /** A private copy of an export, so a test may break it. */
    Path copy(Path export, String name) throws IOException {
        Path target = work.resolve(name);
        try (Stream<Path> files = Files.walk(export)) {
            for (Path p : files.sorted().toList()) {
                Path t = target.resolve(export.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return target;
    }

    @Test
    void anFp16ExportBecomesAServableModelFolder() throws Exception {
        Path dir = copy(fourStep, "sdxl-lightning-4step");
        OptimumImport.Result r = new OptimumImport().importFolder(dir, OptimumImport.Options.sdxl(null, 4), false);
        assertEquals(dir.resolve("model.json"), r.manifestFile());
        ModelManifest m = ModelManifest.read(r.manifestFile());
        assertEquals("sdxl-lightning-4step", m.name, "the name comes from the folder");
        assertEquals(4, m.steps);
        assertEquals("epsilon", m.predictionType);
        assertEquals("trailing", m.timestepSpacing);
        assertEquals(512, m.resolution.min);
        assertEquals(1024, m.resolution.defaultWidth);
        assertEquals(2048, m.resolution.max);
        assertEquals(0.13025, m.vaeScalingFactor);
        assertEquals(4, m.latentChannels);
        assertEquals("<|endoftext|>", m.tokenizers.get("tokenizer").padToken);
        assertEquals("!", m.tokenizers.get("tokenizer_2").padToken);
        assertEquals(
                "hidden_states.11", m.components.get("text_encoder").outputs.get("hidden"));
        assertEquals(
                "hidden_states.31", m.components.get("text_encoder_2").outputs.get("hidden"));
        assertEquals("text_embeds", m.components.get("text_encoder_2").outputs.get("pooled"));
        assertEquals("out_sample", m.components.get("unet").outputs.get("out"));
        assertEquals("sample", m.components.get("vae_decoder").outputs.get("image"));
        assertEquals("unet/model.onnx", m.components.get("unet").file);
        for (ModelManifest.ComponentSpec c : m.components.values()) {
            assertEquals("onnxruntime", c.engine);
        }
        assertTrue(m.description.contains("float16 UNet, scalar float16 timestep"), m.description);
        List<ModelRepository.Entry> scanned = new ModelRepository(work).scan();
        assertEquals(
                List.of("sdxl-lightning-4step"),
                scanned.stream().map(e -> e.manifest().name).toList());
    }

    @Test
    void everyComponentCanPointAtItsTensorRtPlan() throws Exception {
        Path dir = copy(oneStep, "one");
        CommandLine cl = new CommandLine(new ImportOptimumMain());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute("--dir", dir.toString(), "--steps", "1", "--tensorrt-components", "all"));
        assertTrue(
                err.toString().contains("the TensorRT plans asked for are missing: vae_decoder/engine.plan"),
                err.toString());
        assertFalse(Files.exists(dir.resolve("model.json")));
        for (String c : List.of("text_encoder", "text_encoder_2", "unet", "vae_decoder")) {
            Files.write(dir.resolve(c).resolve("engine.plan"), new byte[] {1});
        }
        assertEquals(0, cl.execute("--dir", dir.toString(), "--steps", "1", "--tensorrt-components", "all"));
        ModelManifest m = ModelManifest.read(dir.resolve("model.json"));
        for (String c : List.of("text_encoder", "text_encoder_2", "unet", "vae_decoder")) {
            assertEquals(c + "/engine.plan", m.components.get(c).file);
            assertEquals("tensorrt", m.components.get(c).engine);
        }
        assertEquals(
                "hidden_states.11",
                m.components.get("text_encoder").outputs.get("hidden"),
                "output roles are still read from the ONNX export beside the plans");
        assertEquals(List.of(), m.validate());
    }

    @Test
    void aVaePlanAloneLeavesTheUnetOnItsEngine() throws Exception {
        Path dir = copy(oneStep, "one");
        Files.write(dir.resolve("vae_decoder/engine.plan"), new byte[] {1});
        ModelManifest m = new OptimumImport()
                .importFolder(dir, OptimumImport.Options.sdxl("one", 1).withTensorrt(List.of("vae_decoder")), false)
                .manifest();
        assertEquals("tensorrt", m.components.get("vae_decoder").engine);
        assertEquals("onnxruntime", m.components.get("unet").engine);
        assertEquals("unet/model.onnx", m.components.get("unet").file);
    }

    @Test
    void predictionComesFromTheSchedulerConfigUnlessOverridden() throws Exception {
        Path dir = copy(oneStep, "one");
        OptimumImport importer = new OptimumImport();
        OptimumFolder folder = OptimumFolder.read(dir, "unet/model.onnx");
        assertEquals("sample", importer.manifest(folder, OptimumImport.Options.sdxl("lightning-1", 1)).predictionType);
        assertEquals(
                "epsilon",
                importer.manifest(
                                folder,
                                OptimumImport.Options.sdxl("lightning-1", 1).withPrediction("epsilon"))
                        .predictionType);
        OptimumImportException e = assertThrows(
                OptimumImportException.class,
                () -> importer.manifest(
                        folder, OptimumImport.Options.sdxl("lightning-1", 1).withPrediction("v_prediction")));
        assertTrue(e.getMessage().contains("epsilon and sample"), e.getMessage());
    }

    @Test
    void anExistingManifestIsKeptWithoutForce() throws Exception {
        Path dir = copy(oneStep, "one");
        Files.writeString(dir.resolve("model.json"), "{}");
        OptimumImportException e = assertThrows(
                OptimumImportException.class,
                () -> new OptimumImport().importFolder(dir, OptimumImport.Options.sdxl("one", 1), false));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        assertEquals("{}", Files.readString(dir.resolve("model.json")));
        new OptimumImport().importFolder(dir, OptimumImport.Options.sdxl("one", 1), true);
        assertEquals(1, ModelManifest.read(dir.resolve("model.json")).steps);
    }

    @Test
    void everyMissingPartIsNamedInOneLine() throws Exception {
        Path dir = copy(oneStep, "broken");
        Files.delete(dir.resolve("text_encoder_2/model.onnx"));
        deleteTree(dir.resolve("tokenizer_2"));
        String message = refusal(dir, OptimumImport.Options.sdxl("broken", 1));
        assertTrue(message.contains("is not an optimum ONNX export of SDXL: missing"), message);
        assertTrue(message.contains("tokenizer_2/vocab.json"), message);
        assertTrue(message.contains("tokenizer_2/tokenizer_config.json"), message);
        assertTrue(message.contains("text_encoder_2/model.onnx"), message);
        assertFalse(message.contains("\n"));
    }

    @Test
    void aDiffusersPyTorchFolderGetsTheExportHint() throws Exception {
        Path dir = work.resolve("pytorch");
        Files.createDirectories(dir.resolve("unet"));
        Files.writeString(dir.resolve("unet/diffusion_pytorch_model.safetensors"), "");
        assertTrue(refusal(dir, OptimumImport.Options.sdxl("x", 4)).contains("optimum-cli export onnx"));
    }

    @Test
    void anSd15PipelineIsRefused() throws Exception {
        Path dir = copy(oneStep, "sd15");
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionPipeline\"}");
        String message = refusal(dir, OptimumImport.Options.sdxl("sd15", 1));
        assertTrue(message.contains("describes a StableDiffusionPipeline, not an SDXL pipeline"), message);
    }

    @Test
    void sdxlBaseLeadingSpacingIsRefusedWithTheOptionThatFixesIt() throws Exception {
        Path dir = copy(fourStep, "base");
        Path config = dir.resolve("scheduler/scheduler_config.json");
        Files.writeString(config, Files.readString(config).replace("\"trailing\"", "\"leading\""));
        String message = refusal(dir, OptimumImport.Options.sdxl("base", 4));
        assertTrue(message.contains("timestep_spacing leading"), message);
        assertTrue(message.contains("--timestep-spacing trailing"), message);
        ModelManifest m = new OptimumImport()
                .importFolder(dir, OptimumImport.Options.sdxl("base", 4).withTimestepSpacing("trailing"), false)
                .manifest();
        assertEquals("trailing", m.timestepSpacing);
    }

    @Test
    void anAddedTokenObjectAsPadTokenIsRead() throws Exception {
        Path dir = copy(oneStep, "old-tokenizer");
        Files.writeString(
                dir.resolve("tokenizer_2/tokenizer_config.json"),
                "{\"pad_token\": {\"__type\": \"AddedToken\", \"content\": \"!\", \"lstrip\": false}}");
        Files.delete(dir.resolve("tokenizer_2/special_tokens_map.json"));
        assertEquals("!", OptimumFolder.read(dir, "unet/model.onnx").padToken2());
        Files.writeString(dir.resolve("tokenizer_2/tokenizer_config.json"), "{\"model_max_length\": 77}");
        assertTrue(refusal(dir, OptimumImport.Options.sdxl("x", 1)).contains("names no pad_token"));
    }

    @Test
    void aUnetWithAnotherInterfaceIsRefused() throws Exception {
        Path dir = copy(oneStep, "vae-as-unet");
        Files.copy(
                dir.resolve("vae_decoder/model.onnx"),
                dir.resolve("unet/model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String message = refusal(dir, OptimumImport.Options.sdxl("x", 1));
        assertTrue(message.contains("unet/model.onnx has no input 'timestep'"), message);
        assertTrue(message.contains("takes an input 'latent_sample'"), message);
        assertTrue(message.contains("has no output 'out_sample'"), message);
    }

    @Test
    void tensorrtPointsTheUnetAtItsEnginePlan() throws Exception {
        Path dir = copy(oneStep, "trt");
        OptimumImport.Options trt = OptimumImport.Options.sdxl("trt", 1).withUnet("tensorrt", null);
        assertTrue(refusal(dir, trt).contains("missing unet/engine.plan"));
        Files.write(dir.resolve("unet/engine.plan"), new byte[] {1, 2, 3});
        ModelManifest m = new OptimumImport().importFolder(dir, trt, false).manifest();
        assertEquals("unet/engine.plan", m.components.get("unet").file);
        assertEquals("tensorrt", m.components.get("unet").engine);
        assertEquals("onnxruntime", m.components.get("text_encoder").engine);
        assertTrue(refusal(dir, OptimumImport.Options.sdxl("trt", 1).withUnet("openvino", null))
                .contains("--engine openvino is not onnxruntime or tensorrt"));
    }

    @Test
    void commandLineWritesTheManifestAndExitsWithTwoOnAFolderThatIsNoExport() throws Exception {
        Path dir = copy(fourStep, "cli");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new ImportOptimumMain());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(
                "--dir",
                dir.toString(),
                "--name",
                "lightning-4",
                "--steps",
                "4",
                "--min-size",
                "256",
                "--default-size",
                "512");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("hidden_states.11, hidden_states.31 + text_embeds"), out.toString());
        ModelManifest m = ModelManifest.read(dir.resolve("model.json"));
        assertEquals("lightning-4", m.name);
        assertEquals(256, m.resolution.min);
        assertEquals(512, m.resolution.defaultWidth);

        StringWriter err2 = new StringWriter();
        CommandLine again = new CommandLine(new ImportOptimumMain());
        again.setErr(new PrintWriter(err2));
        assertEquals(2, again.execute("--dir", work.resolve("nothing").toString(), "--steps", "4"));
        assertEquals(1, err2.toString().lines().count(), err2.toString());
        assertTrue(
                err2.toString().startsWith("error: ") && err2.toString().contains("is not a folder"), err2.toString());
    }

    /**
     * The VAE's geometry comes from vae_decoder/config.json, as diffusers computes it: the scale
     * factor is 2^(levels - 1) of block_out_channels and the latent scaling factor is
     * scaling_factor; not SDXL's 8 and 0.13025 when the config says otherwise.
     */
    @Test
    void theVaeGeometryComesFromItsConfig() throws Exception {
        Path dir = copy(oneStep, "three-level-vae");
        Files.writeString(
                dir.resolve("vae_decoder/config.json"),
                "{\"_class_name\": \"AutoencoderKL\", \"block_out_channels\": [32, 64, 64],"
                        + " \"latent_channels\": 4, \"scaling_factor\": 0.18215}");
        ModelManifest m = new OptimumImport()
                .importFolder(dir, OptimumImport.Options.sdxl("vae3", 1), false)
                .manifest();
        assertEquals(4, m.vaeScaleFactor);
        assertEquals(0.18215, m.vaeScalingFactor);

        Path sdxl = copy(oneStep, "four-level-vae");
        Files.writeString(
                sdxl.resolve("vae_decoder/config.json"),
                "{\"block_out_channels\": [128, 256, 512, 512], \"scaling_factor\": 0.13025}");
        ModelManifest m4 = new OptimumImport()
                .importFolder(sdxl, OptimumImport.Options.sdxl("vae4", 1), false)
                .manifest();
        assertEquals(8, m4.vaeScaleFactor);
        assertEquals(0.13025, m4.vaeScalingFactor);
    }

    /** Gson reads "0.1x" as a number only when asked: that must be a refusal, not a NumberFormatException. */
    @Test
    void aVaeConfigValueOfTheWrongTypeIsRefusedInOneLine() throws Exception {
        Path dir = copy(oneStep, "text-scaling-factor");
        Files.writeString(
                dir.resolve("vae_decoder/config.json"),
                "{\"block_out_channels\": [128, 256, 512, 512], \"scaling_factor\": \"0.13025x\"}");
        String message = refusal(dir, OptimumImport.Options.sdxl("bad-vae", 1));
        assertTrue(message.contains("vae_decoder/config.json") && message.contains("wrong type"), message);
        assertFalse(message.contains("\n"), message);
    }

    private static String refusal(Path dir, OptimumImport.Options o) {
        return assertThrows(OptimumImportException.class, () -> new OptimumImport().importFolder(dir, o, false))
                .getMessage();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
