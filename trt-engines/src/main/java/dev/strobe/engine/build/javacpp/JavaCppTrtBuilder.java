package dev.strobe.engine.build.javacpp;

import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

import dev.strobe.engine.build.BuildRequest;
import dev.strobe.engine.build.Precision;
import dev.strobe.engine.build.TrtBuilderAdapter;
import dev.strobe.engine.tensorrt.ShapeRange;
import dev.strobe.engine.tensorrt.TrtErrorLog;
import dev.strobe.engine.tensorrt.TrtNativeException;
import dev.strobe.engine.tensorrt.javacpp.Cuda;
import dev.strobe.engine.tensorrt.javacpp.JavaCppLibraries;
import dev.strobe.engine.tensorrt.javacpp.JavaCppTensorRt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;

/**
 * {@link TrtBuilderAdapter} over TensorRT 10's builder and ONNX parser through JavaCPP:
 * createInferBuilder, createNetworkV2, nvonnxparser::createParser + parseFromFile (which also reads
 * external weight files beside the ONNX), one IOptimizationProfile per requested profile,
 * IBuilderConfig flags / optimisation level / workspace pool / timing cache, then
 * buildSerializedNetwork. Runs on the calling thread; a UNet build takes tens of minutes. Uses the
 * process's one TensorRT logger ({@link JavaCppTensorRt}); error texts are what the building
 * thread logged during the failing call.
 */
public final class JavaCppTrtBuilder implements TrtBuilderAdapter {
    private static final int WRITE_CHUNK = 1 << 30;

    private final JavaCppTensorRt natives;

    /** Use {@link JavaCppTensorRt#newBuilder}. */
    public JavaCppTrtBuilder(JavaCppTensorRt natives) {
        this.natives = natives;
    }

    @Override
    @SuppressWarnings("deprecation") // kFP16: weak typing is deprecated since TensorRT 10.12, still what --fp16 means
    public Result build(BuildRequest r) {
        TrtErrorLog errors = natives.errors();
        org.bytedeco.tensorrt.nvinfer.ILogger logger = natives.logger();
        Cuda.check(cudaSetDevice(r.deviceId()), "cudaSetDevice(" + r.deviceId() + ")");
        IBuilder builder = null;
        INetworkDefinition network = null;
        IParser parser = null;
        IBuilderConfig config = null;
        IHostMemory plan = null;
        try {
            TrtErrorLog.Captured<IBuilder> b = errors.capture(() -> createInferBuilder(logger));
            builder = b.value();
            if (builder == null || builder.isNull()) {
                throw new TrtNativeException("createInferBuilder failed: " + b.errorsOr("no TensorRT error text"));
            }
            int flags = r.precision() == Precision.STRONGLY_TYPED
                    ? 1 << nvinfer.NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value
                    : 0;
            network = builder.createNetworkV2(flags);
            parser = createParser(network, logger);
            if (!parser.parseFromFile(
                    r.onnx().toString(), org.bytedeco.tensorrt.nvinfer.ILogger.Severity.kWARNING.value)) {
                throw new TrtNativeException(
                        "the TensorRT ONNX parser rejected " + r.onnx() + ": " + parserErrors(parser));
            }
            config = builder.createBuilderConfig();
            if (r.precision() == Precision.FP16) {
                config.setFlag(nvinfer.BuilderFlag.kFP16);
            }
            if (r.optLevel().isPresent()) {
                config.setBuilderOptimizationLevel(r.optLevel().getAsInt());
            }
            if (r.workspaceMb().isPresent()) {
                config.setMemoryPoolLimit(
                        nvinfer.MemoryPoolType.kWORKSPACE,
                        (long) r.workspaceMb().getAsInt() << 20);
            }
            ITimingCache cache = null;
            if (r.timingCache().isPresent()) {
                cache = loadTimingCache(config, r.timingCache().get());
            }
            for (Map<String, ShapeRange> p : r.profiles()) {
                addProfile(builder, config, network, p, errors);
            }
            IBuilder bld = builder;
            INetworkDefinition net = network;
            IBuilderConfig cfg = config;
            TrtErrorLog.Captured<IHostMemory> built = errors.capture(() -> bld.buildSerializedNetwork(net, cfg));
            plan = built.value();
            if (plan == null || plan.isNull() || plan.size() == 0) {
                throw new TrtNativeException(
                        "buildSerializedNetwork failed: " + built.errorsOr("no TensorRT error text"));
            }
            write(plan.data(), plan.size(), r.plan());
            if (cache != null) {
                IHostMemory serialized = cache.serialize();
                write(serialized.data(), serialized.size(), r.timingCache().get());
                serialized.deallocate();
            }
            return new Result(
                    JavaCppLibraries.tensorRtVersion(),
                    Cuda.deviceName(r.deviceId()),
                    Cuda.computeCapability(r.deviceId()),
                    plan.size(),
                    io(network, true),
                    io(network, false));
        } finally {
            for (Pointer p : new Pointer[] {plan, config, parser, network, builder}) {
                if (p != null && !p.isNull()) {
                    p.deallocate();
                }
            }
        }
    }

    private static String parserErrors(IParser parser) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            out.add(e.desc() + " (node " + e.node() + " " + e.nodeName() + " " + e.nodeOperator() + ")");
        }
        return out.isEmpty() ? "no parser error text" : String.join(" | ", out);
    }

    private static ITimingCache loadTimingCache(IBuilderConfig config, Path file) {
        ITimingCache cache;
        if (Files.isRegularFile(file)) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read timing cache " + file, e);
            }
            try (BytePointer data = new BytePointer(bytes)) {
                cache = config.createTimingCache(data, bytes.length);
            }
        } else {
            cache = config.createTimingCache(new Pointer(), 0); // size 0: a new, empty cache
        }
        if (cache == null || cache.isNull() || !config.setTimingCache(cache, false)) {
            throw new TrtNativeException("could not use timing cache " + file
                    + " (delete it if it came from another TensorRT version or GPU)");
        }
        return cache;
    }

    private static void addProfile(
            IBuilder builder,
            IBuilderConfig config,
            INetworkDefinition network,
            Map<String, ShapeRange> p,
            TrtErrorLog errors) {
        IOptimizationProfile profile = builder.createOptimizationProfile();
        for (int i = 0; i < network.getNbInputs(); i++) {
            ITensor in = network.getInput(i);
            String name = in.getName();
            ShapeRange r = p.get(name);
            if (r == null) {
                if (hasDynamicDim(in.getDimensions())) {
                    throw new TrtNativeException(
                            "network input " + name + " is dynamic but the profile has no shape for it");
                }
                continue;
            }
            errors.check(
                    () -> profile.setDimensions(name, nvinfer.OptProfileSelector.kMIN, dims(r.min()))
                            && profile.setDimensions(name, nvinfer.OptProfileSelector.kOPT, dims(r.opt()))
                            && profile.setDimensions(name, nvinfer.OptProfileSelector.kMAX, dims(r.max())),
                    "setDimensions(" + name + ", " + r + ")");
        }
        errors.check(() -> config.addOptimizationProfile(profile) >= 0, "addOptimizationProfile");
    }

    private static boolean hasDynamicDim(Dims64 d) {
        for (int i = 0; i < d.nbDims(); i++) {
            if (d.d(i) < 0) {
                return true;
            }
        }
        return false;
    }

    private static Dims64 dims(long[] shape) {
        Dims64 d = new Dims64();
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            d.d(i, shape[i]);
        }
        return d;
    }

    private static List<Io> io(INetworkDefinition network, boolean inputs) {
        List<Io> out = new ArrayList<>();
        int n = inputs ? network.getNbInputs() : network.getNbOutputs();
        for (int i = 0; i < n; i++) {
            ITensor t = inputs ? network.getInput(i) : network.getOutput(i);
            Dims64 d = t.getDimensions();
            long[] shape = new long[d.nbDims()];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = d.d(k);
            }
            out.add(new Io(t.getName(), t.getType().toString(), shape));
        }
        return out;
    }

    private static void write(Pointer data, long size, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                BytePointer bytes = new BytePointer(data);
                for (long off = 0; off < size; off += WRITE_CHUNK) {
                    long end = Math.min(size, off + WRITE_CHUNK);
                    ByteBuffer view =
                            new BytePointer(bytes).position(off).limit(end).asByteBuffer();
                    while (view.hasRemaining()) {
                        ch.write(view);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
