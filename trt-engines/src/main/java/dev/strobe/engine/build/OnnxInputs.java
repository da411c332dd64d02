package dev.strobe.engine.build;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the graph inputs (name, element type, shape) and output names of an ONNX file without
 * loading its weights: the protobuf is walked field by field and initializer payloads are skipped,
 * so a UNet with weights inside the file is read in a few seconds and little memory. With
 * external data (the usual layout above 2 GB) the .onnx file is small anyway.
 *
 * <p>Used by build-engine, which needs the inputs' ranks (a scalar or a [B] timestep) and static
 * dimensions before TensorRT is involved, so the trtexec line is right even on a machine without
 * TensorRT.
 */
public final class OnnxInputs {
    /** One graph input. Dimensions that are symbolic or unknown are -1. */
    public record Input(String name, String elementType, long[] shape) {
        public Input {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public int rank() {
            return shape.length;
        }
    }

    /** What was read. */
    public record Graph(List<Input> inputs, List<String> outputs) {
        public Graph {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    private OnnxInputs() {}

    public static Graph read(Path onnx) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(onnx), 1 << 16)) {
            CodedInputStream c = CodedInputStream.newInstance(in);
            c.setSizeLimit(Integer.MAX_VALUE);
            List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            Set<String> initializers = new HashSet<>();
            boolean sawGraph = false;
            while (true) {
                int tag = c.readTag();
                if (tag == 0) {
                    break;
                }
                if (WireFormat.getTagFieldNumber(tag) == OnnxMl.ModelProto.GRAPH_FIELD_NUMBER
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = c.pushLimit(c.readRawVarint32());
                    readGraph(c, inputs, outputs, initializers);
                    c.popLimit(limit);
                    sawGraph = true;
                } else {
                    c.skipField(tag);
                }
            }
            if (!sawGraph) {
                throw new IOException(onnx + " has no ONNX graph (is it an ONNX model file?)");
            }
            List<Input> out = new ArrayList<>();
            for (OnnxMl.ValueInfoProto v : inputs) {
                if (!initializers.contains(v.getName())) { // old exporters list weights as inputs too
                    out.add(toInput(v));
                }
            }
            return new Graph(out, outputs);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(onnx + " is not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static void readGraph(
            CodedInputStream c, List<OnnxMl.ValueInfoProto> inputs, List<String> outputs, Set<String> initializers)
            throws IOException {
        while (true) {
            int tag = c.readTag();
            if (tag == 0) {
                return;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == OnnxMl.GraphProto.INPUT_FIELD_NUMBER) {
                inputs.add(OnnxMl.ValueInfoProto.parseFrom(c.readBytes()));
            } else if (field == OnnxMl.GraphProto.OUTPUT_FIELD_NUMBER) {
                outputs.add(OnnxMl.ValueInfoProto.parseFrom(c.readBytes()).getName());
            } else if (field == OnnxMl.GraphProto.INITIALIZER_FIELD_NUMBER) {
                int limit = c.pushLimit(c.readRawVarint32());
                String name = initializerName(c);
                if (name != null) {
                    initializers.add(name);
                }
                c.popLimit(limit);
            } else {
                c.skipField(tag);
            }
        }
    }

    /** The name of a TensorProto, skipping its payload. */
    private static String initializerName(CodedInputStream c) throws IOException {
        String name = null;
        while (true) {
            int tag = c.readTag();
            if (tag == 0) {
                return name;
            }
            if (WireFormat.getTagFieldNumber(tag) == OnnxMl.TensorProto.NAME_FIELD_NUMBER) {
                name = c.readStringRequireUtf8();
            } else {
                c.skipField(tag);
            }
        }
    }

    private static Input toInput(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        long[] shape = new long[t.getShape().getDimCount()];
        for (int i = 0; i < shape.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return new Input(v.getName(), elementType(t.getElemType()), shape);
    }

    /** ONNX TensorProto.DataType numbers to names. */
    static String elementType(int code) {
        return switch (code) {
            case 1 -> "float32";
            case 10 -> "float16";
            case 16 -> "bfloat16";
            case 11 -> "float64";
            case 6 -> "int32";
            case 7 -> "int64";
            case 9 -> "bool";
            case 2 -> "uint8";
            case 3 -> "int8";
            default -> "onnx-type-" + code;
        };
    }
}
