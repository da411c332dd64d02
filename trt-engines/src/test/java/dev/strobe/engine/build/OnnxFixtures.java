package dev.strobe.engine.build;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small ONNX files with the interface of strobe's UNet export (no nodes needed). */
final class OnnxFixtures {
    private OnnxFixtures() {}

    static OnnxMl.ValueInfoProto input(String name, int elemType, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder b = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Integer i) {
                b.setDimValue(i);
            } else {
                b.setDimParam((String) d);
            }
            shape.addDim(b);
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(shape)))
                .build();
    }

    /** An SDXL UNet interface, float16, timestep [B] or scalar, with one embedded weight. */
    static Path unet(Path dir, boolean scalarTimestep) throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("unet")
                .addInput(input("sample", 10, "B", 4, "H", "W"))
                .addInput(scalarTimestep ? input("timestep", 10) : input("timestep", 10, "B"))
                .addInput(input("encoder_hidden_states", 10, "B", 77, 2048))
                .addInput(input("text_embeds", 10, "B", 1280))
                .addInput(input("time_ids", 10, "B", 6))
                // an initializer also listed as an input, as old exporters did
                .addInput(input("conv_in.weight", 10, 320, 4, 3, 3))
                .addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("conv_in.weight")
                        .addDims(320)
                        .addDims(4)
                        .addDims(3)
                        .addDims(3)
                        .setDataType(10)
                        .setRawData(ByteString.copyFrom(new byte[320 * 4 * 9 * 2])))
                .addOutput(input("out_sample", 10, "B", 4, "H", "W"));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("strobe-test")
                .setGraph(g)
                .build();
        Path f = dir.resolve("model.onnx");
        Files.write(f, m.toByteArray());
        return f;
    }
}
