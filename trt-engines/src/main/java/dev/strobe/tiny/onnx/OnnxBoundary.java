package dev.strobe.tiny.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the interface of a serialized ONNX model without touching the math inside: changes the
 * element type of inputs and outputs (a Cast at the boundary), turns a per-sample [B] input into
 * one value shared by the batch (a scalar, as optimum exports the UNet's {@code timestep}, or a
 * [1] tensor), and moves weights into an external data file (optimum's {@code model.onnx_data}).
 * The tiny optimum export builds its components this way from the tiny graphs, which keep
 * float32 math inside.
 *
 * <p>Each method takes a model and returns a new one; the argument is not changed. Stateless.
 */
public final class OnnxBoundary {
    /** Initializers smaller than this stay inside the .onnx file (ONNX's own default threshold). */
    public static final int EXTERNAL_THRESHOLD = 1024;
    /** External tensors start at multiples of this many bytes. */
    private static final int EXTERNAL_ALIGNMENT = 64;

    private OnnxBoundary() {}

    /** How the batch shares one input value after {@link #sharedInput}. */
    public enum SharedShape {
        /** rank 0, as optimum's UNet config declares {@code timestep}. */
        SCALAR,
        /** rank 1 with its one dimension fixed at 1. */
        SINGLETON
    }

    /** A model split into its .onnx bytes and the external data they point to. */
    public record Externalized(byte[] model, byte[] data) {}

    public static ModelProto parse(byte[] model) {
        try {
            return ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    /**
     * Declares input {@code name} with element type {@code type}; a Cast to float32 feeds the
     * nodes that read it. The input must be float32 now.
     */
    public static ModelProto castInput(ModelProto model, String name, TensorProto.DataType type) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        int index = inputIndex(g, name);
        requireFloat(g.getInput(index), name);
        String inner = name + "__float32";
        renameReads(g, name, inner);
        g.addNode(0, cast(name, inner, TensorProto.DataType.FLOAT, "cast_in_" + name));
        g.setInput(index, withElemType(g.getInput(index), type));
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * Declares output {@code name} with element type {@code type}: the float32 value the graph
     * computes is cast at the end. The output must be float32 now.
     */
    public static ModelProto castOutput(ModelProto model, String name, TensorProto.DataType type) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        int index = -1;
        for (int i = 0; i < g.getOutputCount(); i++) {
            if (g.getOutput(i).getName().equals(name)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("the graph has no output '" + name + "'");
        }
        requireFloat(g.getOutput(index), name);
        String inner = name + "__float32_out";
        renameReads(g, name, inner);
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getOutputCount(); i++) {
                if (n.getOutput(i).equals(name)) {
                    n.setOutput(i, inner);
                }
            }
        }
        g.addNode(cast(inner, name, type, "cast_out_" + name));
        g.setOutput(index, withElemType(g.getOutput(index), type));
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * Turns the [B] input {@code name} into one value for the whole batch: the input is declared
     * with {@code shape} and expanded to [B] (B = dimension 0 of {@code batchSource}) before the
     * nodes that read it, the way diffusers broadcasts a scalar timestep to the batch.
     */
    public static ModelProto sharedInput(ModelProto model, String name, SharedShape shape, String batchSource) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        int index = inputIndex(g, name);
        inputIndex(g, batchSource);
        String inner = name + "__per_sample";
        renameReads(g, name, inner);
        String shapeOf = name + "__batch_shape";
        String batch = name + "__batch";
        String zero = name + "__zero";
        String one = name + "__one";
        g.addInitializer(longs(zero, 0));
        g.addInitializer(longs(one, 1));
        g.addNode(0, node("Shape", List.of(batchSource), shapeOf, "shape_of_" + batchSource));
        g.addNode(1, node("Slice", List.of(shapeOf, zero, one), batch, "batch_of_" + batchSource));
        g.addNode(2, node("Expand", List.of(name, batch), inner, "expand_" + name));
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        if (shape == SharedShape.SINGLETON) {
            dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1));
        }
        ValueInfoProto.Builder v = g.getInput(index).toBuilder();
        v.getTypeBuilder().getTensorTypeBuilder().setShape(dims);
        g.setInput(index, v);
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * Moves every initializer of at least {@link #EXTERNAL_THRESHOLD} bytes into one external
     * data file named {@code location} (beside the .onnx file), as ONNX's
     * {@code save_as_external_data(all_tensors_to_one_file=True)} does.
     */
    public static Externalized externalize(ModelProto model, String location) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (TensorProto.Builder t : g.getInitializerBuilderList()) {
            ByteString raw = t.getRawData();
            if (raw.size() < EXTERNAL_THRESHOLD) {
                continue;
            }
            while (data.size() % EXTERNAL_ALIGNMENT != 0) {
                data.write(0);
            }
            long offset = data.size();
            data.writeBytes(raw.toByteArray());
            t.clearRawData();
            t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
            t.addExternalData(entry("location", location));
            t.addExternalData(entry("offset", Long.toString(offset)));
            t.addExternalData(entry("length", Integer.toString(raw.size())));
        }
        return new Externalized(model.toBuilder().setGraph(g).build().toByteArray(), data.toByteArray());
    }

    private static int inputIndex(GraphProto.Builder g, String name) {
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("the graph has no input '" + name + "'");
    }

    private static void requireFloat(ValueInfoProto v, String name) {
        if (v.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException(name + " is not float32, so it cannot be re-typed at the boundary");
        }
    }

    /** Points every node input that reads {@code from} at {@code to}. */
    private static void renameReads(GraphProto.Builder g, String from, String to) {
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(from)) {
                    n.setInput(i, to);
                }
            }
        }
    }

    private static ValueInfoProto withElemType(ValueInfoProto v, TensorProto.DataType type) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(type.getNumber());
        return b.build();
    }

    private static NodeProto cast(String in, String out, TensorProto.DataType to, String nodeName) {
        return NodeProto.newBuilder()
                .setOpType("Cast")
                .setName(nodeName)
                .addInput(in)
                .addOutput(out)
                .addAttribute(AttributeProto.newBuilder()
                        .setName("to")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(to.getNumber()))
                .build();
    }

    private static NodeProto node(String type, List<String> inputs, String output, String nodeName) {
        return NodeProto.newBuilder()
                .setOpType(type)
                .setName(nodeName)
                .addAllInput(new ArrayList<>(inputs))
                .addOutput(output)
                .build();
    }

    private static TensorProto longs(String name, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(1)
                .setRawData(ByteString.copyFrom(b.array()))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
