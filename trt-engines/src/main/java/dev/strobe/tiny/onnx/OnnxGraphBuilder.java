package dev.strobe.tiny.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.strobe.tiny.weights.Param;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes one ONNX graph (IR version 8, default-domain opset 17) with tribuo-util-onnx's
 * {@code OnnxMl} protobuf classes. Tribuo's own graph builder targets opset 13, a fixed operator
 * list and [batch, n] inputs; the tiny models need opset-17 operators (LayerNormalization,
 * CumSum, Resize, Pad) and symbolic 4-D shapes, so this class builds the protos directly.
 *
 * <p>Value names are generated from a counter, so the same calls give byte-identical files.
 * Dimensions are given as {@code Long}/{@code Integer} (fixed) or {@code String} (symbolic).
 * Single-threaded, used once per graph.
 */
public final class OnnxGraphBuilder {
    public static final long IR_VERSION = 8;
    public static final int OPSET = 17;
    public static final TensorProto.DataType FLOAT = TensorProto.DataType.FLOAT;
    public static final TensorProto.DataType INT64 = TensorProto.DataType.INT64;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int counter;

    public OnnxGraphBuilder(String name) {
        graph.setName(name);
    }

    /** Declares a graph input; returns its name. */
    public String input(String name, TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Declares a graph output named {@code name} carrying {@code value}. */
    public void output(String name, String value, TensorProto.DataType type, Object... dims) {
        if (!name.equals(value)) {
            node("Identity", List.of(value), List.of(name), List.of());
        }
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** A float initializer holding {@code p}'s values and shape. */
    public String weight(String name, Param p) {
        return floats(name, p.data(), p.dims());
    }

    public String floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(name, FLOAT, ByteString.copyFrom(b.array()), dims);
    }

    public String longs(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(name, INT64, ByteString.copyFrom(b.array()), dims);
    }

    /** A rank-0 float constant. */
    public String scalar(float v) {
        return floats(fresh("const"), new float[] {v});
    }

    /** A rank-0 int64 constant. */
    public String scalar(long v) {
        return longs(fresh("const"), new long[] {v});
    }

    /** A 1-D int64 constant. */
    public String vector(long... v) {
        return longs(fresh("const"), v, v.length);
    }

    /** Adds a node with one output; returns the output's generated name. */
    public String op(String type, List<String> inputs, Attr... attrs) {
        String out = fresh(type.toLowerCase());
        node(type, inputs, List.of(out), List.of(attrs));
        return out;
    }

    // ---- the handful of operators the tiny models use, spelled as in ONNX ----

    public String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    public String sub(String a, String b) {
        return op("Sub", List.of(a, b));
    }

    public String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    public String div(String a, String b) {
        return op("Div", List.of(a, b));
    }

    public String matMul(String a, String b) {
        return op("MatMul", List.of(a, b));
    }

    public String unary(String type, String x) {
        return op(type, List.of(x));
    }

    /** x * sigmoid(x). */
    public String silu(String x) {
        return mul(x, unary("Sigmoid", x));
    }

    public String reshape(String x, long... shape) {
        return op("Reshape", List.of(x, vector(shape)));
    }

    public String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), Attr.ints("perm", perm));
    }

    public String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", List.of(x, vector(axes)));
    }

    public String clip(String x, float lo, float hi) {
        return op("Clip", List.of(x, scalar(lo), scalar(hi)));
    }

    /** Convolution with a square kernel, stride 1, zero padding {@code pad} on every side. */
    public String conv(String x, String w, String bias, int pad) {
        return op("Conv", List.of(x, w, bias), Attr.ints("pads", pad, pad, pad, pad));
    }

    /** A 3x3 convolution over x padded by one pixel that repeats the border (Pad mode "edge"). */
    public String conv3x3Edge(String x, String w, String bias) {
        String padded = op("Pad", List.of(x, vector(0, 0, 1, 1, 0, 0, 1, 1)), Attr.s("mode", "edge"));
        return conv(padded, w, bias, 0);
    }

    /** The serialized model. */
    public byte[] toBytes() {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("strobe-tiny")
                .setProducerVersion("1")
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private String initializer(String name, TensorProto.DataType type, ByteString raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private void node(String type, List<String> inputs, List<String> outputs, List<Attr> attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(fresh("node_" + type));
        n.addAllInput(inputs).addAllOutput(outputs);
        for (Attr a : attrs) {
            n.addAttribute(a.proto());
        }
        graph.addNode(n);
    }

    private String fresh(String prefix) {
        return prefix + "_" + counter++;
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor.Builder tensor =
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape);
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensor))
                .build();
    }

    /** A node attribute. */
    public record Attr(AttributeProto proto) {
        public static Attr i(String name, long v) {
            return new Attr(AttributeProto.newBuilder()
                    .setName(name)
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(v)
                    .build());
        }

        public static Attr f(String name, float v) {
            return new Attr(AttributeProto.newBuilder()
                    .setName(name)
                    .setType(AttributeProto.AttributeType.FLOAT)
                    .setF(v)
                    .build());
        }

        public static Attr s(String name, String v) {
            return new Attr(AttributeProto.newBuilder()
                    .setName(name)
                    .setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(v))
                    .build());
        }

        public static Attr ints(String name, long... v) {
            AttributeProto.Builder b =
                    AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long x : v) {
                b.addInts(x);
            }
            return new Attr(b.build());
        }
    }
}
