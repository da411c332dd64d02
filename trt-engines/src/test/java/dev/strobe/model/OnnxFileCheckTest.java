package dev.strobe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.strobe.tiny.onnx.OnnxBoundary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link OnnxFileCheck} finds in a component file before an engine loads it. */
class OnnxFileCheckTest {
    @TempDir
    Path folder;

    private static ModelProto model(int weightBytes) {
        byte[] raw = new byte[weightBytes];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setGraph(GraphProto.newBuilder()
                        .setName("g")
                        .addInitializer(TensorProto.newBuilder()
                                .setName("w")
                                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                                .addDims(weightBytes / 4)
                                .setRawData(ByteString.copyFrom(raw)))
                        .addInitializer(TensorProto.newBuilder()
                                .setName("small")
                                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                                .addDims(1)
                                .setRawData(ByteString.copyFrom(new byte[4]))))
                .build();
    }

    private Path write(ModelProto m) throws Exception {
        Path onnx = folder.resolve("unet/model.onnx");
        Files.createDirectories(onnx.getParent());
        Files.write(onnx, m.toByteArray());
        return onnx;
    }

    private Path writeExternal(int weightBytes) throws Exception {
        OnnxBoundary.Externalized split = OnnxBoundary.externalize(model(weightBytes), "model.onnx_data");
        Path onnx = folder.resolve("unet/model.onnx");
        Files.createDirectories(onnx.getParent());
        Files.write(onnx, split.model());
        Files.write(onnx.resolveSibling("model.onnx_data"), split.data());
        return onnx;
    }

    @Test
    void aModelWithItsWeightsInsidePasses() throws Exception {
        assertEquals(Optional.empty(), OnnxFileCheck.problem(folder, write(model(64 * 1024))));
    }

    @Test
    void aModelWithCompleteExternalDataPassesAndItsTensorsAreFound() throws Exception {
        Path onnx = writeExternal(64 * 1024);
        assertEquals(Optional.empty(), OnnxFileCheck.problem(folder, onnx));
        var refs = OnnxFileCheck.externalTensors(onnx);
        assertEquals(1, refs.size(), "only the tensor above the threshold moves out: " + refs);
        assertEquals("w", refs.get(0).tensor());
        assertEquals(64 * 1024, refs.get(0).length());
    }

    @Test
    void truncatedExternalDataSaysHowManyBytesAreMissing() throws Exception {
        Path onnx = writeExternal(64 * 1024);
        Path data = onnx.resolveSibling("model.onnx_data");
        Files.write(data, java.util.Arrays.copyOf(Files.readAllBytes(data), 1000));
        String p = OnnxFileCheck.problem(folder, onnx).orElseThrow();
        assertEquals(
                "unet/model.onnx_data is truncated: it has 1000 bytes but unet/model.onnx needs " + 64 * 1024
                        + " (tensor 'w'); copy the export again",
                p);
    }

    @Test
    void missingExternalDataNamesTheFile() throws Exception {
        Path onnx = writeExternal(4096);
        Files.delete(onnx.resolveSibling("model.onnx_data"));
        String p = OnnxFileCheck.problem(folder, onnx).orElseThrow();
        assertTrue(p.startsWith("unet/model.onnx keeps its weights in unet/model.onnx_data, which does not exist"), p);
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused() throws Exception {
        TensorProto t = TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(
                        StringStringEntryProto.newBuilder().setKey("location").setValue("../../../etc/passwd"))
                .build();
        Path onnx = write(ModelProto.newBuilder()
                .setGraph(GraphProto.newBuilder().addInitializer(t))
                .build());
        String p = OnnxFileCheck.problem(folder, onnx).orElseThrow();
        assertTrue(p.contains("outside the model folder"), p);
    }

    @Test
    void emptyGarbageAndGraphlessFilesAreNotOnnxModels() throws Exception {
        Path onnx = write(ModelProto.getDefaultInstance());
        assertEquals(
                "unet/model.onnx is not an ONNX model (it is empty)",
                OnnxFileCheck.problem(folder, onnx).orElseThrow());
        Files.write(
                onnx,
                ModelProto.newBuilder()
                        .setIrVersion(8)
                        .setProducerName("x")
                        .build()
                        .toByteArray());
        assertEquals(
                "unet/model.onnx is not an ONNX model (it has no graph)",
                OnnxFileCheck.problem(folder, onnx).orElseThrow());
        Files.writeString(onnx, "<html>404 Not Found</html>");
        assertTrue(
                OnnxFileCheck.problem(folder, onnx).orElseThrow().startsWith("unet/model.onnx is not an ONNX model"));
        Files.write(onnx, java.util.Arrays.copyOf(model(8192).toByteArray(), 5000));
        assertTrue(
                OnnxFileCheck.problem(folder, onnx).orElseThrow().startsWith("unet/model.onnx is not an ONNX model"),
                "a cut-off .onnx file");
    }

    @Test
    void aMissingFileSaysSo() {
        assertEquals(
                "unet/model.onnx does not exist",
                OnnxFileCheck.problem(folder, folder.resolve("unet/model.onnx")).orElseThrow());
    }
}
