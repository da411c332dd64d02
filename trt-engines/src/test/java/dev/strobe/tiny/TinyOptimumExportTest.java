package dev.strobe.tiny;

import static dev.strobe.tiny.FloatAsserts.assertClose;
import static dev.strobe.tiny.FloatAsserts.concat;
import static dev.strobe.tiny.FloatAsserts.gaussian;
import static dev.strobe.tiny.FloatAsserts.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.engine.DataType;
import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.Half;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.TensorSpec;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.model.ModelManifest;
import dev.strobe.tiny.TinyOptimumExport.Options;
import dev.strobe.tiny.TinyOptimumExport.Precision;
import dev.strobe.tiny.TinyOptimumExport.Timestep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tiny model in optimum's layout: the files, the interfaces ONNX Runtime reads from them, and
 * that the boundary casts and the shared timestep leave the tiny math intact. The fp16 export is
 * compared with {@link TinyModelReference} fed the fp16-rounded inputs, so the only expected
 * difference is the rounding of the fp16 output (relative 2^-11) plus the float32 graph's own
 * 5e-5 tolerance of {@link UnetGraphTest}.
 */
class TinyOptimumExportTest {
    private static final TinyModelSpec FOUR = TinyModelSpec.lightning(4);
    private static final OnnxRuntimeProvider ORT = new OnnxRuntimeProvider();

    @TempDir
    static Path dir;

    static TinyOptimumExport export;
    static Path fp16;
    static List<Path> written;
    static final List<Engine> engines = new ArrayList<>();

    @BeforeAll
    static void write() throws IOException {
        export = TinyOptimumExport.forSeed(TinyModelSet.DEFAULT_SEED);
        fp16 = dir.resolve("fp16");
        written = export.write(fp16, Options.optimum(FOUR, Precision.FP16).withUnetExternalData(true));
    }

    @AfterAll
    static void close() {
        engines.forEach(Engine::close);
    }

    static Engine load(Path file) {
        Engine e = ORT.load(file, Map.of());
        engines.add(e);
        return e;
    }

    @Test
    void writesOptimumsFilesAndNoManifest() throws IOException {
        List<String> expected = List.of(
                "model_index.json",
                "scheduler/scheduler_config.json",
                "tokenizer/vocab.json",
                "tokenizer/merges.txt",
                "tokenizer/tokenizer_config.json",
                "tokenizer/special_tokens_map.json",
                "tokenizer_2/vocab.json",
                "tokenizer_2/merges.txt",
                "tokenizer_2/tokenizer_config.json",
                "tokenizer_2/special_tokens_map.json",
                "text_encoder/model.onnx",
                "text_encoder/config.json",
                "text_encoder_2/model.onnx",
                "text_encoder_2/config.json",
                "unet/model.onnx",
                "unet/model.onnx_data",
                "unet/config.json",
                "vae_decoder/model.onnx",
                "vae_decoder/config.json");
        assertEquals(
                expected,
                written.stream().map(p -> p.toString().replace('\\', '/')).toList());
        try (Stream<Path> all = Files.walk(fp16)) {
            assertEquals(expected.size(), all.filter(Files::isRegularFile).count(), "nothing else is written");
        }
        assertFalse(Files.exists(fp16.resolve(ModelManifest.FILE_NAME)), "a real export has no model.json");
        assertEquals(
                "StableDiffusionXLPipeline",
                json("model_index.json").get("_class_name").getAsString());
        JsonObject scheduler = json("scheduler/scheduler_config.json");
        assertEquals("EulerDiscreteScheduler", scheduler.get("_class_name").getAsString());
        assertEquals("trailing", scheduler.get("timestep_spacing").getAsString());
        assertEquals("epsilon", scheduler.get("prediction_type").getAsString());
        assertEquals(
                "<|endoftext|>",
                json("tokenizer/tokenizer_config.json").get("pad_token").getAsString());
        assertEquals(
                "!", json("tokenizer_2/tokenizer_config.json").get("pad_token").getAsString());
        assertEquals(
                "!",
                json("tokenizer_2/special_tokens_map.json").get("pad_token").getAsString());
        assertEquals(
                0.13025, json("vae_decoder/config.json").get("scaling_factor").getAsDouble());
        long graph = Files.size(fp16.resolve("unet/model.onnx"));
        long data = Files.size(fp16.resolve("unet/model.onnx_data"));
        assertTrue(data > 20 * graph, "weights are external: model.onnx " + graph + " B, data " + data + " B");
    }

    @Test
    void theOneStepExportRecordsSamplePredictionAndKeepsFloat32() throws IOException {
        Path one = dir.resolve("one");
        TinyModelSpec spec = TinyModelSpec.lightning(1);
        export.write(one, Options.optimum(spec, Precision.FP32));
        JsonObject scheduler = JsonParser.parseString(Files.readString(one.resolve("scheduler/scheduler_config.json")))
                .getAsJsonObject();
        assertEquals("sample", scheduler.get("prediction_type").getAsString());
        EngineInfo unet = load(one.resolve("unet/model.onnx")).info();
        assertEquals(DataType.FLOAT32, unet.input("sample").orElseThrow().dataType());
        assertTrue(unet.input("timestep").orElseThrow().isScalar());
    }

    @Test
    void onnxRuntimeSeesOptimumsFp16Interfaces() {
        EngineInfo unet = load(fp16.resolve("unet/model.onnx")).info();
        TensorSpec t = unet.input("timestep").orElseThrow();
        assertTrue(t.isScalar(), "timestep " + t);
        assertEquals(DataType.FLOAT16, t.dataType());
        for (String in : List.of("sample", "encoder_hidden_states", "text_embeds", "time_ids")) {
            assertEquals(DataType.FLOAT16, unet.input(in).orElseThrow().dataType(), in);
        }
        assertEquals(5, unet.inputs().size());
        assertEquals(DataType.FLOAT16, unet.output("out_sample").orElseThrow().dataType());

        EngineInfo te1 = load(fp16.resolve("text_encoder/model.onnx")).info();
        EngineInfo te2 = load(fp16.resolve("text_encoder_2/model.onnx")).info();
        assertEquals(DataType.INT64, te1.input("input_ids").orElseThrow().dataType());
        assertOutputs(te1, "pooler_output", 12);
        assertOutputs(te2, "text_embeds", 32);

        EngineInfo vae = load(fp16.resolve("vae_decoder/model.onnx")).info();
        assertEquals(DataType.FLOAT16, vae.input("latent_sample").orElseThrow().dataType());
        assertEquals(DataType.FLOAT16, vae.output("sample").orElseThrow().dataType());
    }

    private static void assertOutputs(EngineInfo te, String pooled, int layers) {
        List<String> names = new ArrayList<>(List.of("last_hidden_state", pooled));
        for (int k = 0; k <= layers; k++) {
            names.add("hidden_states." + k);
        }
        for (String n : names) {
            assertEquals(
                    DataType.FLOAT16,
                    te.output(n)
                            .orElseThrow(() -> new AssertionError("no " + n))
                            .dataType(),
                    n);
        }
        assertEquals(names.size(), te.outputs().size());
    }

    /** Batch 2 at one timestep: each item is the tiny UNet of its fp16-rounded inputs. */
    @Test
    void fp16UnetComputesTheTinyUnetOfItsRoundedInputs() {
        Engine unet = load(fp16.resolve("unet/model.onnx"));
        TinyModelReference ref = new TinyModelReference(export.weights(), FOUR);
        int h = 16;
        int w = 24;
        Inputs in = inputs(2, h, w);
        float t = 749;
        float[] out = unet.run(in.tensors(Tensor.ofFloats(new float[] {t})), Set.of("out_sample"))
                .get("out_sample")
                .floats();
        for (int b = 0; b < 2; b++) {
            float[] expected = ref.unet(
                    half(item(in.sample, 2, b)),
                    t,
                    half(item(in.hidden, 2, b)),
                    half(item(in.pooled, 2, b)),
                    half(item(in.timeIds, 2, b)),
                    h,
                    w);
            assertClose(expected, item(out, 2, b), 5e-5, 1e-3, "fp16 out_sample item " + b);
        }
    }

    /** Every timestep form of the UNet computes the same function as strobe's per-sample one. */
    @ParameterizedTest
    @EnumSource(
            value = Timestep.class,
            names = {"SCALAR", "SCALAR_INT64", "SINGLETON"})
    void sharedTimestepFormsMatchThePerSampleUnet(Timestep form) throws IOException {
        Engine perSample =
                unetFile(Options.optimum(FOUR, Precision.FP32).withTimestep(Timestep.PER_SAMPLE), "per_sample");
        Engine shared = unetFile(Options.optimum(FOUR, Precision.FP32).withTimestep(form), form.name());
        TensorSpec spec = shared.info().input("timestep").orElseThrow();
        assertEquals(form == Timestep.SINGLETON ? 1 : 0, spec.rank());
        assertEquals(form == Timestep.SCALAR_INT64 ? DataType.INT64 : DataType.FLOAT32, spec.dataType());
        Inputs in = inputs(3, 8, 8);
        float[] expected = perSample
                .run(in.tensors(Tensor.ofFloats(new float[] {499, 499, 499}, 3)), Set.of("out_sample"))
                .get("out_sample")
                .floats();
        Tensor t = switch (form) {
            case SCALAR -> Tensor.ofFloats(new float[] {499});
            case SCALAR_INT64 -> Tensor.ofLongs(new long[] {499});
            default -> Tensor.ofFloats(new float[] {499}, 1);
        };
        float[] actual = shared.run(in.tensors(t), Set.of("out_sample"))
                .get("out_sample")
                .floats();
        assertClose(expected, actual, 1e-6, 0, form + " vs per-sample");
    }

    @Test
    void externalWeightsComputeWhatInlineWeightsDo() throws IOException {
        Engine inline = unetFile(Options.optimum(FOUR, Precision.FP16), "inline");
        Engine external = load(fp16.resolve("unet/model.onnx"));
        Inputs in = inputs(1, 8, 8);
        Tensor t = Tensor.ofFloats(new float[] {999});
        assertClose(
                inline.run(in.tensors(t), Set.of("out_sample"))
                        .get("out_sample")
                        .floats(),
                external.run(in.tensors(t), Set.of("out_sample"))
                        .get("out_sample")
                        .floats(),
                0,
                0,
                "external data");
    }

    private static Engine unetFile(Options o, String name) throws IOException {
        Path file = dir.resolve("unet-" + name + ".onnx");
        Files.write(file, export.unetGraph(o).toByteArray());
        return load(file);
    }

    /** UNet inputs for a batch: random latents and conditioning, time_ids of a 128x192 image. */
    private record Inputs(int batch, int h, int w, float[] sample, float[] hidden, float[] pooled, float[] timeIds) {
        Map<String, Tensor> tensors(Tensor timestep) {
            Map<String, Tensor> m = new HashMap<>();
            m.put("sample", Tensor.ofFloats(sample, batch, 4, h, w));
            m.put("timestep", timestep);
            m.put("encoder_hidden_states", Tensor.ofFloats(hidden, batch, 77, 2048));
            m.put("text_embeds", Tensor.ofFloats(pooled, batch, 1280));
            m.put("time_ids", Tensor.ofFloats(timeIds, batch, 6));
            return m;
        }
    }

    private static Inputs inputs(int batch, int h, int w) {
        float[] ids = new float[batch * 6];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(new float[] {h * 8, w * 8, 0, 0, h * 8, w * 8}, 0, ids, b * 6, 6);
        }
        float[][] samples = new float[batch][];
        for (int b = 0; b < batch; b++) {
            samples[b] = gaussian(10 + b, 4 * h * w, 1.0);
        }
        return new Inputs(
                batch,
                h,
                w,
                concat(samples),
                gaussian(20, batch * 77 * 2048, 0.5),
                gaussian(30, batch * 1280, 0.5),
                ids);
    }

    private static float[] half(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Half.toFloat(Half.fromFloat(x[i]));
        }
        return out;
    }

    private static JsonObject json(String relative) throws IOException {
        return JsonParser.parseString(Files.readString(fp16.resolve(relative))).getAsJsonObject();
    }
}
