package dev.strobe.engine.tensorrt.javacpp;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGraphDestroy;
import static org.bytedeco.cuda.global.cudart.cudaGraphExecDestroy;
import static org.bytedeco.cuda.global.cudart.cudaGraphInstantiate;
import static org.bytedeco.cuda.global.cudart.cudaGraphLaunch;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamBeginCapture;
import static org.bytedeco.cuda.global.cudart.cudaStreamCaptureModeThreadLocal;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamEndCapture;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;

import dev.strobe.engine.DataType;
import dev.strobe.engine.tensorrt.ShapeRange;
import dev.strobe.engine.tensorrt.TrtAdapter;
import dev.strobe.engine.tensorrt.TrtErrorLog;
import dev.strobe.engine.tensorrt.TrtIoTensor;
import dev.strobe.engine.tensorrt.TrtNativeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

/**
 * {@link TrtAdapter} over TensorRT 10 and the CUDA runtime through JavaCPP
 * ({@code org.bytedeco:tensorrt}, {@code org.bytedeco:cuda}). Thin on purpose: each method is one
 * or a few native calls plus a status check; all decisions live above it.
 *
 * <p>Not runnable on machines without a GPU; its logic is exercised through the fake adapter in
 * the tests, its failure to load through {@code TensorRtAvailability}.
 *
 * <p>One instance per engine plan, used from one thread at a time. Every instance of a process
 * shares the one TensorRT logger of {@link JavaCppTensorRt}; a failing call's error text is what
 * the calling thread logged during that call ({@link TrtErrorLog#capture}), never another plan's.
 */
public final class JavaCppTrtAdapter implements TrtAdapter {
    /** Plans are read in chunks of this size (a ByteBuffer view cannot pass 2 GiB). */
    private static final int READ_CHUNK = 1 << 30;

    private final ILogger logger;
    private final TrtErrorLog errors;
    private final Map<ByteBuffer, Pointer> pinned = new IdentityHashMap<>();
    private IRuntime runtime;
    private ICudaEngine engine;
    private IExecutionContext context;
    private CUstream_st stream;
    private int device;

    private record Device(Pointer ptr, long bytes) implements DeviceBuffer {}

    private record CudaGraph(CUgraphExec_st exec) implements Graph {}

    /** Made by {@link JavaCppTensorRt#newAdapter}, which owns the process's logger. */
    JavaCppTrtAdapter(ILogger logger, TrtErrorLog errors) {
        this.logger = logger;
        this.errors = errors;
    }

    @Override
    public void deserialize(Path plan, int deviceId) {
        this.device = deviceId;
        useDevice();
        TrtErrorLog.Captured<IRuntime> rt = errors.capture(() -> createInferRuntime(logger));
        runtime = rt.value();
        if (runtime == null || runtime.isNull()) {
            throw new TrtNativeException("createInferRuntime failed: " + rt.errorsOr("no TensorRT error text"));
        }
        long size;
        try {
            size = Files.size(plan);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + plan, e);
        }
        // Pointer.malloc, not new BytePointer(size): a 5 GB plan would exceed JavaCPP's maxBytes
        // accounting (which defaults to the Java heap size) although it is plain native memory
        Pointer raw = Pointer.malloc(size);
        if (raw == null || raw.isNull()) {
            throw new TrtNativeException("cannot allocate " + size + " bytes of host memory to read " + plan);
        }
        TrtErrorLog.Captured<ICudaEngine> de;
        try {
            BytePointer blob = new BytePointer(raw);
            readFully(plan, blob, size);
            long planSize = size;
            de = errors.capture(
                    () -> runtime.deserializeCudaEngine(blob.position(0).limit(planSize), planSize));
        } finally {
            Pointer.free(raw);
        }
        engine = de.value();
        if (engine == null || engine.isNull()) {
            throw new TrtNativeException(
                    "deserializeCudaEngine failed for " + plan + ": " + de.errorsOr("no TensorRT error text"));
        }
        TrtErrorLog.Captured<IExecutionContext> ctx = errors.capture(engine::createExecutionContext);
        context = ctx.value();
        if (context == null || context.isNull()) {
            throw new TrtNativeException("createExecutionContext failed: " + ctx.errorsOr("out of GPU memory?"));
        }
        stream = new CUstream_st();
        Cuda.check(cudaStreamCreate(stream), "cudaStreamCreate");
    }

    private static void readFully(Path plan, BytePointer blob, long size) {
        try (FileChannel ch = FileChannel.open(plan, StandardOpenOption.READ)) {
            long off = 0;
            while (off < size) {
                int n = (int) Math.min(READ_CHUNK, size - off);
                ByteBuffer view =
                        new BytePointer(blob).position(off).limit(off + n).asByteBuffer();
                while (view.hasRemaining()) {
                    if (ch.read(view, off + view.position()) < 0) {
                        throw new IOException("unexpected end of file at byte " + (off + view.position()));
                    }
                }
                off += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + plan, e);
        }
    }

    /** cudaSetDevice is per host thread: the device thread must select the plan's device itself. */
    @Override
    public void useDevice() {
        Cuda.check(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    }

    @Override
    public String tensorRtVersion() {
        return JavaCppLibraries.tensorRtVersion();
    }

    @Override
    public String deviceDescription() {
        return Cuda.describeDevice(device);
    }

    @Override
    public List<TrtIoTensor> ioTensors() {
        List<TrtIoTensor> out = new ArrayList<>();
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            boolean input = engine.getTensorIOMode(name).intern() == nvinfer.TensorIOMode.kINPUT;
            out.add(new TrtIoTensor(
                    name, input, dataType(engine.getTensorDataType(name), name), dims(engine.getTensorShape(name))));
        }
        return out;
    }

    private static DataType dataType(nvinfer.DataType t, String name) {
        return switch (t.intern()) {
            case kFLOAT -> DataType.FLOAT32;
            case kHALF -> DataType.FLOAT16;
            case kINT32 -> DataType.INT32;
            case kINT64 -> DataType.INT64;
            default ->
                throw new TrtNativeException(
                        "tensor " + name + " has type " + t + "; strobe handles kFLOAT, kHALF, kINT32 and kINT64 I/O");
        };
    }

    private static long[] dims(Dims64 d) {
        long[] s = new long[d.nbDims()];
        for (int i = 0; i < s.length; i++) {
            s[i] = d.d(i);
        }
        return s;
    }

    private static Dims64 toDims(long[] shape) {
        Dims64 d = new Dims64();
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            d.d(i, shape[i]);
        }
        return d;
    }

    @Override
    public int profileCount() {
        return engine.getNbOptimizationProfiles();
    }

    @Override
    public ShapeRange profileShape(String input, int profile) {
        return new ShapeRange(
                dims(engine.getProfileShape(input, profile, nvinfer.OptProfileSelector.kMIN)),
                dims(engine.getProfileShape(input, profile, nvinfer.OptProfileSelector.kOPT)),
                dims(engine.getProfileShape(input, profile, nvinfer.OptProfileSelector.kMAX)));
    }

    @Override
    public void setProfile(int profile) {
        errors.check(
                () -> context.setOptimizationProfileAsync(profile, stream),
                "setOptimizationProfileAsync(" + profile + ")");
    }

    @Override
    public void setInputShape(String input, long[] shape) {
        try (Dims64 d = toDims(shape)) {
            errors.check(() -> context.setInputShape(input, d), "setInputShape(" + input + ")");
        }
    }

    @Override
    public long[] outputShape(String output) {
        return dims(context.getTensorShape(output));
    }

    @Override
    public DeviceBuffer malloc(long bytes) {
        Pointer p = new Pointer();
        Cuda.check(cudaMalloc(p, Math.max(bytes, 1)), "cudaMalloc(" + bytes + " bytes)");
        return new Device(p, bytes);
    }

    @Override
    public void free(DeviceBuffer buffer) {
        Cuda.check(cudaFree(((Device) buffer).ptr()), "cudaFree");
    }

    @Override
    public ByteBuffer mallocHost(long bytes) {
        Pointer p = new Pointer();
        Cuda.check(cudaMallocHost(p, Math.max(bytes, 1)), "cudaMallocHost(" + bytes + " bytes)");
        ByteBuffer b = new BytePointer(p).position(0).limit(Math.max(bytes, 1)).asByteBuffer();
        pinned.put(b, p);
        return b;
    }

    @Override
    public void freeHost(ByteBuffer buffer) {
        Pointer p = pinned.remove(buffer);
        if (p != null) {
            Cuda.check(cudaFreeHost(p), "cudaFreeHost");
        }
    }

    @Override
    public void setTensorAddress(String name, DeviceBuffer buffer) {
        errors.check(() -> context.setTensorAddress(name, ((Device) buffer).ptr()), "setTensorAddress(" + name + ")");
    }

    @Override
    public void copyHtoD(DeviceBuffer dst, ByteBuffer src, long bytes) {
        Cuda.check(
                cudaMemcpyAsync(((Device) dst).ptr(), hostPointer(src), bytes, cudaMemcpyHostToDevice, stream),
                "cudaMemcpyAsync host to device (" + bytes + " bytes)");
    }

    @Override
    public void copyDtoH(ByteBuffer dst, DeviceBuffer src, long bytes) {
        Cuda.check(
                cudaMemcpyAsync(hostPointer(dst), ((Device) src).ptr(), bytes, cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync device to host (" + bytes + " bytes)");
    }

    private Pointer hostPointer(ByteBuffer b) {
        Pointer p = pinned.get(b);
        return p != null ? p : new BytePointer(b);
    }

    @Override
    public void enqueue() {
        errors.check(() -> context.enqueueV3(stream), "enqueueV3");
    }

    @Override
    public void sync() {
        // kernel failures surface here as a CUDA error; TensorRT's logger is not consulted, since
        // with one logger per process a message seen now may belong to another plan
        Cuda.check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    @Override
    public Graph captureGraph() {
        Cuda.check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
        TrtErrorLog.Captured<Boolean> enqueued = errors.capture(() -> context.enqueueV3(stream));
        CUgraph_st graph = new CUgraph_st();
        int end = cudaStreamEndCapture(stream, graph); // always end, so the stream leaves capture mode
        if (!enqueued.value()) {
            if (!graph.isNull()) {
                cudaGraphDestroy(graph);
            }
            throw new TrtNativeException("enqueueV3 during graph capture failed: "
                    + enqueued.errorsOr("the engine may not be stream-capturable"));
        }
        Cuda.check(end, "cudaStreamEndCapture");
        CUgraphExec_st exec = new CUgraphExec_st();
        int inst = cudaGraphInstantiate(exec, graph, 0L);
        cudaGraphDestroy(graph);
        Cuda.check(inst, "cudaGraphInstantiate");
        return new CudaGraph(exec);
    }

    @Override
    public void launchGraph(Graph graph) {
        Cuda.check(cudaGraphLaunch(((CudaGraph) graph).exec(), stream), "cudaGraphLaunch");
    }

    @Override
    public void destroyGraph(Graph graph) {
        cudaGraphExecDestroy(((CudaGraph) graph).exec());
    }

    @Override
    public void close() {
        // TensorRT 10 objects are freed with delete (JavaCPP deallocate), children first
        if (context != null) {
            context.deallocate();
            context = null;
        }
        if (engine != null) {
            engine.deallocate();
            engine = null;
        }
        if (runtime != null) {
            runtime.deallocate();
            runtime = null;
        }
        if (stream != null && !stream.isNull()) {
            cudaStreamDestroy(stream);
            stream = null;
        }
        for (Pointer p : pinned.values()) {
            cudaFreeHost(p);
        }
        pinned.clear();
    }
}
