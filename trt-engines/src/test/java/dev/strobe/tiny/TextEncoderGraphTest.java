package dev.strobe.tiny;

import static dev.strobe.tiny.FloatAsserts.assertClose;
import static dev.strobe.tiny.FloatAsserts.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.Engine;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.tiny.TinyPipeline.Prompt;
import dev.strobe.tiny.reference.TextEncoderMath;
import dev.strobe.tiny.weights.TinyWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both text encoder graphs against {@link TinyModelReference}, on a batch of two different prompts.
 * Tolerance: 5e-5 absolute plus 1e-5 relative (observed differences are below 1e-5; the encoders'
 * 12 and 32 tanh layers with gains up to 1.4 grow float rounding slightly).
 */
class TextEncoderGraphTest {
    private static final double ABS = 5e-5;
    private static final double REL = 1e-5;

    @TempDir
    static Path dir;

    static Engine text1;
    static Engine text2;
    static TinyModelReference reference;

    @BeforeAll
    static void load() throws IOException {
        TinyModelGenerator generator = TinyModelGenerator.forSeed(TinyModelSet.DEFAULT_SEED);
        TinyModelSpec spec = TinyModelSpec.lightning(4);
        generator.generate(dir, spec);
        OnnxRuntimeProvider provider = new OnnxRuntimeProvider();
        text1 = provider.load(dir.resolve(TinyManifest.TEXT_ENCODER_FILE), Map.of());
        text2 = provider.load(dir.resolve(TinyManifest.TEXT_ENCODER_2_FILE), Map.of());
        reference = new TinyModelReference(generator.weights(), spec);
    }

    @AfterAll
    static void close() {
        text1.close();
        text2.close();
    }

    private static Map<String, Tensor> run(Engine e, long[] a, long[] b, int layers, String pooled) {
        long[] ids = new long[2 * 77];
        System.arraycopy(a, 0, ids, 0, 77);
        System.arraycopy(b, 0, ids, 77, 77);
        Set<String> wanted = new HashSet<>(List.of("last_hidden_state", pooled));
        for (int k = 0; k <= layers; k++) {
            wanted.add("hidden_states." + k);
        }
        return e.run(Map.of("input_ids", Tensor.ofLongs(ids, 2, 77)), wanted);
    }

    @Test
    void textEncoderMatchesReferenceForEveryOutputAndItem() {
        List<Prompt> prompts = List.of(TinyPipeline.CAT, TinyPipeline.APPLES);
        Map<String, Tensor> out =
                run(text1, prompts.get(0).ids1(), prompts.get(1).ids1(), 12, "pooler_output");
        for (int b = 0; b < 2; b++) {
            long[] ids = prompts.get(b).ids1();
            float[][] all = reference.textEncoder1AllOutputs(ids);
            for (int k = 0; k <= 12; k++) {
                assertClose(
                        all[k],
                        item(out.get("hidden_states." + k).floats(), 2, b),
                        ABS,
                        REL,
                        "item " + b + " hidden_states." + k);
            }
            assertClose(all[13], item(out.get("last_hidden_state").floats(), 2, b), ABS, REL, "last_hidden_state");
            float[][] used = reference.textEncoder1(ids);
            assertClose(used[0], item(out.get("hidden_states.11").floats(), 2, b), ABS, REL, "hidden 11");
            assertClose(
                    used[1], item(out.get("pooler_output").floats(), 2, b), ABS, REL, "item " + b + " pooler_output");
        }
    }

    @Test
    void textEncoder2MatchesReferenceForEveryOutputAndItem() {
        List<Prompt> prompts = List.of(TinyPipeline.DOG, TinyPipeline.CAT);
        Map<String, Tensor> out =
                run(text2, prompts.get(0).ids2(), prompts.get(1).ids2(), 32, "text_embeds");
        for (int b = 0; b < 2; b++) {
            long[] ids = prompts.get(b).ids2();
            float[][] all = reference.textEncoder2AllOutputs(ids);
            for (int k = 0; k <= 32; k++) {
                assertClose(
                        all[k],
                        item(out.get("hidden_states." + k).floats(), 2, b),
                        ABS,
                        REL,
                        "item " + b + " hidden_states." + k);
            }
            assertClose(all[33], item(out.get("last_hidden_state").floats(), 2, b), ABS, REL, "last_hidden_state");
            float[][] used = reference.textEncoder2(ids);
            assertClose(used[0], item(out.get("hidden_states.31").floats(), 2, b), ABS, REL, "hidden 31");
            assertClose(used[1], item(out.get("text_embeds").floats(), 2, b), ABS, REL, "item " + b + " text_embeds");
        }
    }

    @Test
    void pooledOutputsReadTheFirstEndOfTextWhateverThePadding() {
        // tokenizer 1 pads with <|endoftext|>: the pooled position is the first one, after the prompt
        assertEquals(6, TextEncoderMath.endOfText(TinyPipeline.CAT.ids1()));
        assertEquals(6, TextEncoderMath.endOfText(TinyPipeline.CAT.ids2()));
        // the graph pools there: changing a pad position after it leaves text_embeds unchanged
        long[] ids = TinyPipeline.CAT.ids2().clone();
        long[] changedPad = ids.clone();
        changedPad[40] = 320;
        Map<String, Tensor> out = run(text2, ids, changedPad, 32, "text_embeds");
        float[] embeds = out.get("text_embeds").floats();
        assertClose(item(embeds, 2, 0), item(embeds, 2, 1), 0, 0, "text_embeds with a changed pad token");
        float[] hidden = out.get("hidden_states.31").floats();
        assertTrue(
                FloatAsserts.maxAbsDiff(item(hidden, 2, 0), item(hidden, 2, 1)) > 0.01,
                "the changed pad token shows in the hidden states");
    }

    @Test
    void everyPositionAfterThePromptDependsOnThePrompt() {
        Map<String, Tensor> out = run(text1, TinyPipeline.CAT.ids1(), TinyPipeline.DOG.ids1(), 12, "pooler_output");
        float[] h = out.get("hidden_states.11").floats();
        for (int p = 6; p < 77; p++) {
            double diff = 0;
            for (int c = 0; c < 768; c++) {
                diff += Math.abs(h[p * 768 + c] - h[(77 + p) * 768 + c]);
            }
            assertTrue(diff / 768 > 1e-3, "position " + p + " does not see cat vs dog: " + diff / 768);
        }
    }

    @Test
    void referenceIsBuiltFromTheSameWeightsObject() {
        // guards the contract server tests rely on: a reference for the same seed is the same function
        TinyModelReference again = TinyModelReference.of(TinyModelSet.DEFAULT_SEED, TinyModelSpec.lightning(4));
        assertClose(
                reference.textEncoder2(TinyPipeline.CAT.ids2())[1],
                again.textEncoder2(TinyPipeline.CAT.ids2())[1],
                0,
                0,
                "text_embeds of two references for one seed");
        TinyModelReference other = new TinyModelReference(TinyWeights.generate(7), TinyModelSpec.lightning(4));
        assertTrue(FloatAsserts.maxAbsDiff(
                        reference.textEncoder2(TinyPipeline.CAT.ids2())[1],
                        other.textEncoder2(TinyPipeline.CAT.ids2())[1])
                > 0.01);
    }
}
