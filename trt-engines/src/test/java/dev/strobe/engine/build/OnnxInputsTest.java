package dev.strobe.engine.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxInputsTest {
    @TempDir
    Path dir;

    @Test
    void readsInputsWithoutWeightsAndKeepsSymbolicDimsDynamic() throws Exception {
        OnnxInputs.Graph g = OnnxInputs.read(OnnxFixtures.unet(dir, false));
        assertEquals(
                java.util.List.of("sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids"),
                g.inputs().stream().map(OnnxInputs.Input::name).toList());
        assertArrayEquals(new long[] {-1, 4, -1, -1}, g.inputs().get(0).shape());
        assertArrayEquals(new long[] {-1}, g.inputs().get(1).shape());
        assertEquals("float16", g.inputs().get(2).elementType());
        assertEquals(java.util.List.of("out_sample"), g.outputs());
    }

    @Test
    void aScalarTimestepHasRankZero() throws Exception {
        assertEquals(
                0, OnnxInputs.read(OnnxFixtures.unet(dir, true)).inputs().get(1).rank());
    }

    @Test
    void aFileThatIsNotOnnxIsAnIoError() throws Exception {
        Path junk = Files.write(dir.resolve("junk.onnx"), "this is not a protobuf at all \u0000\u00ff".getBytes());
        IOException e = assertThrows(IOException.class, () -> OnnxInputs.read(junk));
        assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
    }
}
