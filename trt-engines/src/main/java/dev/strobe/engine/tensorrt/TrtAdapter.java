package dev.strobe.engine.tensorrt;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The one seam between strobe and the TensorRT / CUDA native libraries: every native call the
 * TensorRT backend makes goes through this interface, so everything above it (profile choice,
 * buffer sizing, batch padding and splitting, dtype conversion, CUDA-graph caching, error
 * mapping) is plain Java, unit-tested with a recording fake.
 *
 * <p>One instance holds one deserialized engine, its execution context and its CUDA stream. It is
 * used from one thread at a time (strobe's device thread). Methods throw
 * {@link TrtNativeException} with the TensorRT or CUDA error text when a native call fails.
 *
 * <p>The real implementation is {@code javacpp.JavaCppTrtAdapter}.
 */
public interface TrtAdapter extends AutoCloseable {

    /** Device memory owned by the adapter. */
    interface DeviceBuffer {
        long bytes();
    }

    /** An instantiated CUDA graph (cudaGraphExec_t). */
    interface Graph {}

    /**
     * Selects the device, reads the plan file, deserializes it (IRuntime::deserializeCudaEngine),
     * creates the execution context and a CUDA stream.
     */
    void deserialize(Path plan, int deviceId);

    /**
     * Makes the plan's device current on the calling thread (cudaSetDevice). The CUDA runtime keeps
     * the current device per host thread, and the plan is loaded on one thread but run on another
     * (the device thread), so the engine calls this on the calling thread before every call and
     * before freeing memory.
     */
    void useDevice();

    /** The TensorRT library version, e.g. "10.15.1". */
    String tensorRtVersion();

    /** The GPU, e.g. "NVIDIA L4 (compute 8.9, 22 GiB)". */
    String deviceDescription();

    /** The engine's I/O tensors in engine order (getNbIOTensors / getIOTensorName ...). */
    List<TrtIoTensor> ioTensors();

    /** getNbOptimizationProfiles. */
    int profileCount();

    /** getProfileShape(input, profile, kMIN / kOPT / kMAX). */
    ShapeRange profileShape(String input, int profile);

    /** setOptimizationProfileAsync on the adapter's stream. */
    void setProfile(int profile);

    /** setInputShape. */
    void setInputShape(String input, long[] shape);

    /** The context's shape of an output after all input shapes are set (getTensorShape). */
    long[] outputShape(String output);

    /** cudaMalloc. */
    DeviceBuffer malloc(long bytes);

    /** cudaFree. */
    void free(DeviceBuffer buffer);

    /** Page-locked host memory (cudaMallocHost) as a native-order direct buffer. */
    ByteBuffer mallocHost(long bytes);

    /** cudaFreeHost. */
    void freeHost(ByteBuffer buffer);

    /** setTensorAddress. */
    void setTensorAddress(String name, DeviceBuffer buffer);

    /** cudaMemcpyAsync host to device on the stream: the first {@code bytes} of {@code src}. */
    void copyHtoD(DeviceBuffer dst, ByteBuffer src, long bytes);

    /** cudaMemcpyAsync device to host on the stream into the first {@code bytes} of {@code dst}. */
    void copyDtoH(ByteBuffer dst, DeviceBuffer src, long bytes);

    /** enqueueV3 on the stream. */
    void enqueue();

    /** cudaStreamSynchronize. */
    void sync();

    /**
     * Captures one enqueueV3 into a CUDA graph (cudaStreamBeginCapture, enqueueV3,
     * cudaStreamEndCapture, cudaGraphInstantiate). The current shapes and tensor addresses are
     * baked into the graph.
     */
    Graph captureGraph();

    /** cudaGraphLaunch on the stream. */
    void launchGraph(Graph graph);

    /** cudaGraphExecDestroy. */
    void destroyGraph(Graph graph);

    /** Frees the context, engine, runtime and stream. Buffers must be freed first. */
    @Override
    void close();
}
