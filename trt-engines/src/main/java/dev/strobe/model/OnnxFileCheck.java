package dev.strobe.model;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks an ONNX file before an engine loads it: that it parses as an ONNX model with a graph,
 * and that every external-data file its initializers point to (optimum's {@code model.onnx_data})
 * exists and holds the bytes the model expects. ONNX Runtime reports these only as a long native
 * message, or not at all until the first call; this says which file is wrong, and how.
 *
 * <p>Reads the file as a protobuf stream, skipping weight bytes without holding them, so a 2 GB
 * inline model costs a sequential read and no heap. Stateless; called while models load.
 */
public final class OnnxFileCheck {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    private OnnxFileCheck() {}

    /** One initializer stored outside the .onnx file. */
    record ExternalTensor(String tensor, String location, long offset, long length) {}

    /**
     * The problem with {@code onnx}, if any, as a clause that names the files relative to
     * {@code folder} (e.g. "unet/model.onnx_data is truncated: ...").
     */
    public static Optional<String> problem(Path folder, Path onnx) {
        String name = relative(folder, onnx);
        if (!Files.isRegularFile(onnx)) {
            return Optional.of(name + " does not exist");
        }
        List<ExternalTensor> external;
        try {
            external = externalTensors(onnx);
        } catch (InvalidProtocolBufferException e) {
            return Optional.of(name + " is not an ONNX model (it does not parse as one: " + firstLine(e) + ")");
        } catch (NotAModel e) {
            return Optional.of(name + " is not an ONNX model (" + e.getMessage() + ")");
        } catch (IOException e) {
            return Optional.of(name + " cannot be read: " + firstLine(e));
        }
        Path dir = onnx.getParent();
        for (ExternalTensor t : external) {
            Path data = dir.resolve(t.location()).normalize();
            String dataName = relative(folder, data);
            if (!data.startsWith(dir.normalize()) && !data.startsWith(folder.normalize())) {
                return Optional.of(
                        name + " points tensor '" + t.tensor() + "' at " + t.location() + ", outside the model folder");
            }
            if (!Files.isRegularFile(data)) {
                return Optional.of(name + " keeps its weights in " + dataName + ", which does not exist;"
                        + " copy it from the export into the folder of " + name);
            }
            long size;
            try {
                size = Files.size(data);
            } catch (IOException e) {
                return Optional.of(dataName + " cannot be read: " + firstLine(e));
            }
            if (t.length() >= 0 && t.offset() + t.length() > size) {
                return Optional.of(dataName + " is truncated: it has " + size + " bytes but " + name
                        + " needs " + (t.offset() + t.length()) + " (tensor '" + t.tensor()
                        + "'); copy the export again");
            }
        }
        return Optional.empty();
    }

    /** Every initializer of the main graph whose data lives in another file. */
    static List<ExternalTensor> externalTensors(Path onnx) throws IOException {
        List<ExternalTensor> out = new ArrayList<>();
        boolean graph = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(onnx), 1 << 16)) {
            CodedInputStream c = CodedInputStream.newInstance(in);
            c.setSizeLimit(Integer.MAX_VALUE);
            int tag;
            while ((tag = c.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    graph = true;
                    int limit = c.pushLimit(c.readRawVarint32());
                    readGraph(c, out);
                    c.popLimit(limit);
                } else {
                    c.skipField(tag);
                }
            }
        }
        if (!graph) {
            throw new NotAModel(Files.size(onnx) == 0 ? "it is empty" : "it has no graph");
        }
        return out;
    }

    private static void readGraph(CodedInputStream c, List<ExternalTensor> out) throws IOException {
        int tag;
        while ((tag = c.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == GRAPH_INITIALIZER
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = c.pushLimit(c.readRawVarint32());
                readTensor(c).ifPresent(out::add);
                c.popLimit(limit);
            } else {
                c.skipField(tag);
            }
        }
    }

    private static Optional<ExternalTensor> readTensor(CodedInputStream c) throws IOException {
        String name = "";
        boolean external = false;
        String location = null;
        long offset = 0;
        long length = -1;
        int tag;
        while ((tag = c.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == TENSOR_NAME && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = c.readStringRequireUtf8();
            } else if (field == TENSOR_DATA_LOCATION && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                external = c.readEnum() == DATA_LOCATION_EXTERNAL;
            } else if (field == TENSOR_EXTERNAL_DATA
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                StringStringEntryProto e = StringStringEntryProto.parseFrom(c.readBytes());
                try {
                    switch (e.getKey()) {
                        case "location" -> location = e.getValue();
                        case "offset" -> offset = Long.parseLong(e.getValue());
                        case "length" -> length = Long.parseLong(e.getValue());
                        default -> {} // checksum: not checked
                    }
                } catch (NumberFormatException ex) {
                    throw new NotAModel("tensor '" + name + "' has external data " + e.getKey() + " '" + e.getValue()
                            + "', not a number");
                }
            } else {
                c.skipField(tag);
            }
        }
        if (!external) {
            return Optional.empty();
        }
        if (location == null || location.isEmpty()) {
            throw new NotAModel("tensor '" + name + "' is external but names no file");
        }
        return Optional.of(new ExternalTensor(name, location, offset, length));
    }

    private static String relative(Path folder, Path file) {
        Path f = file.normalize();
        return f.startsWith(folder.normalize())
                ? folder.normalize().relativize(f).toString().replace('\\', '/')
                : f.toString();
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }

    /** The file parsed but is not an ONNX model strobe can check. */
    private static final class NotAModel extends IOException {
        private static final long serialVersionUID = 1L;

        NotAModel(String message) {
            super(message);
        }
    }
}
