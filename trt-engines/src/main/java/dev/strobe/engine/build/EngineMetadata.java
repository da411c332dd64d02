package dev.strobe.engine.build;

import dev.strobe.engine.tensorrt.ShapeRange;
import dev.strobe.json.JsonFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code engine.json} build-engine writes beside a plan: what the plan was built from, with
 * what, on what, and what it accepts. The server reads it to explain load failures (a plan only
 * loads with the TensorRT version and GPU model it was built for) and users attach it to reports.
 * Field names are snake_case.
 */
public final class EngineMetadata {
    public static final String FILE_NAME = "engine.json";
    public static final int FORMAT = 1;

    /** min/opt/max of one input in one profile. */
    public static final class Range {
        public long[] min;
        public long[] opt;
        public long[] max;

        public Range() {}

        Range(ShapeRange r) {
            min = r.min();
            opt = r.opt();
            max = r.max();
        }
    }

    /** One I/O tensor. */
    public static final class Io {
        public String name;
        public String dtype;
        public long[] shape;

        public Io() {}

        Io(TrtBuilderAdapter.Io io) {
            name = io.name();
            dtype = io.dataType();
            shape = io.shape();
        }
    }

    public int format = FORMAT;
    public String tensorrtVersion;
    public String gpuName;
    public String computeCapability;
    public String precision;
    public Integer builderOptimizationLevel;
    public Integer workspaceMb;
    public String timingCache;
    public String builtAt;
    public double buildSeconds;
    public String onnxFile;
    public String onnxSha256;
    public String planFile;
    public long planBytes;
    public List<Map<String, Range>> profiles = new ArrayList<>();
    public List<Io> inputs = new ArrayList<>();
    public List<Io> outputs = new ArrayList<>();
    public String trtexec;

    /** Fills in everything from a finished build. */
    public static EngineMetadata of(
            BuildRequest req, TrtBuilderAdapter.Result res, String onnxSha256, String builtAt, double buildSeconds) {
        EngineMetadata m = new EngineMetadata();
        m.tensorrtVersion = res.tensorrtVersion();
        m.gpuName = res.gpuName();
        m.computeCapability = res.computeCapability();
        m.precision = req.precision().label();
        m.builderOptimizationLevel = req.optLevel().isPresent() ? req.optLevel().getAsInt() : null;
        m.workspaceMb = req.workspaceMb().isPresent() ? req.workspaceMb().getAsInt() : null;
        m.timingCache = req.timingCache().map(Path::toString).orElse(null);
        m.builtAt = builtAt;
        m.buildSeconds = buildSeconds;
        m.onnxFile = req.onnx().toString();
        m.onnxSha256 = onnxSha256;
        m.planFile = req.plan().getFileName().toString();
        m.planBytes = res.planBytes();
        for (Map<String, ShapeRange> p : req.profiles()) {
            Map<String, Range> ranges = new LinkedHashMap<>();
            p.forEach((name, r) -> ranges.put(name, new Range(r)));
            m.profiles.add(ranges);
        }
        res.inputs().forEach(io -> m.inputs.add(new Io(io)));
        res.outputs().forEach(io -> m.outputs.add(new Io(io)));
        m.trtexec = TrtexecCommand.line(req);
        return m;
    }

    public static EngineMetadata read(Path file) throws IOException {
        return JsonFiles.read(file, EngineMetadata.class, "engine.json");
    }

    public void write(Path file) throws IOException {
        JsonFiles.write(file, this);
    }

    public String toJson() {
        return JsonFiles.toJson(this);
    }

    /** Hex sha256 of a file, streamed (ONNX files run to gigabytes). */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
