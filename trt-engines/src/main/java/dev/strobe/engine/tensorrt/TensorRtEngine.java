package dev.strobe.engine.tensorrt;

import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TensorRT 10 engine plan with dynamic shapes, run through a {@link TrtAdapter}.
 *
 * <p>Per call: checks the inputs against the engine's I/O tensors, plans the call with
 * {@link BatchPlanner} (profile choice, padding up to a profile's min batch, splitting above its
 * max batch), and for every chunk switches the optimisation profile if needed, sets the input
 * shapes, copies the inputs into the profile's reused device buffers (converting to float16 where
 * the engine's I/O is float16), runs enqueueV3 (or a CUDA graph), copies the wanted outputs back
 * and waits for the stream.
 *
 * <p>Called from one thread at a time (the scheduler's device thread, which is not the thread that
 * loaded the plan); not thread-safe. Every call first makes the plan's device current on the
 * calling thread, since the CUDA runtime keeps the current device per thread.
 */
public final class TensorRtEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(TensorRtEngine.class);

    private final TrtAdapter adapter;
    private final String source;
    private final EngineInfo info;
    private final List<TrtIoTensor> io;
    private final List<TrtProfile> profiles;
    private final BatchPlanner planner;
    private final CudaGraphCache graphs;
    private final Map<Integer, ProfileBuffers> buffers = new HashMap<>();
    private int currentProfile = -1;
    private boolean closed;

    /**
     * Takes ownership of {@code adapter}, whose plan must already be deserialized.
     *
     * @param source the plan file, for messages
     */
    public TensorRtEngine(TrtAdapter adapter, String source, TensorRtOptions options) {
        this.adapter = adapter;
        this.source = source;
        this.io = List.copyOf(adapter.ioTensors());
        this.profiles = readProfiles(adapter, io);
        this.planner = new BatchPlanner(profiles, source);
        this.graphs = options.cudaGraphs() ? new CudaGraphCache(options.cudaGraphCache()) : null;
        int maxBatch = profiles.stream().mapToInt(TrtProfile::maxBatch).max().orElse(1);
        int minBatch = profiles.stream().mapToInt(TrtProfile::minBatch).min().orElse(1);
        EngineInfo full = new EngineInfo(
                TensorRtProvider.NAME,
                io.stream().filter(TrtIoTensor::input).map(TrtIoTensor::spec).toList(),
                io.stream().filter(t -> !t.input()).map(TrtIoTensor::spec).toList(),
                maxBatch,
                minBatch,
                profiles.stream().map(TrtProfile::toInputProfile).toList());
        this.info = options.maxBatch().isPresent() && options.maxBatch().getAsInt() < maxBatch
                ? full.withMaxBatch(options.maxBatch().getAsInt())
                : full;
        if (options.preallocate()) {
            try {
                for (TrtProfile p : profiles) {
                    buffersFor(p);
                }
            } catch (RuntimeException e) {
                buffers.values().forEach(b -> b.free(adapter));
                throw e;
            }
        }
    }

    private static List<TrtProfile> readProfiles(TrtAdapter adapter, List<TrtIoTensor> io) {
        int n = adapter.profileCount();
        if (n < 1) {
            throw new TrtNativeException("the plan has no optimisation profile");
        }
        List<TrtProfile> out = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            Map<String, ShapeRange> ranges = new LinkedHashMap<>();
            for (TrtIoTensor t : io) {
                if (t.input()) {
                    ranges.put(t.name(), adapter.profileShape(t.name(), p));
                }
            }
            out.add(new TrtProfile(p, ranges));
        }
        return out;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    /** The plan's optimisation profiles, in index order. */
    public List<TrtProfile> profiles() {
        return profiles;
    }

    /** Device bytes held by the buffers allocated so far. */
    public long deviceBufferBytes() {
        return buffers.values().stream().mapToLong(ProfileBuffers::deviceBytes).sum();
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> wanted) {
        if (closed) {
            throw new IllegalStateException(source + " is closed");
        }
        Map<String, long[]> shapes = checkInputs(inputs);
        for (String w : wanted) {
            if (info.output(w).isEmpty()) {
                throw new EngineException(
                        EngineException.Kind.INVALID_MODEL,
                        source + " has no output '" + w + "'; it has " + info.outputs());
            }
        }
        int batch = batchOf(inputs);
        List<BatchChunk> chunks = planner.plan(shapes, batch);
        Map<String, List<Tensor>> parts = new LinkedHashMap<>();
        try {
            adapter.useDevice(); // on this thread: the CUDA runtime's current device is per thread
        } catch (TrtNativeException e) {
            throw new EngineException(
                    EngineException.Kind.RUNTIME,
                    "TensorRT cannot select the device of " + source + ": " + e.getMessage(),
                    e);
        }
        for (BatchChunk c : chunks) {
            try {
                runChunk(c, inputs, wanted, parts);
            } catch (TrtNativeException e) {
                currentProfile = -1; // re-select and re-bind on the next call
                throw new EngineException(
                        EngineException.Kind.RUNTIME,
                        "TensorRT failed on " + source + " (profile #"
                                + c.profile().index() + ", batch " + c.padded() + ", inputs " + describe(shapes) + "): "
                                + e.getMessage(),
                        e);
            }
        }
        Map<String, Tensor> out = new HashMap<>();
        parts.forEach((name, list) -> out.put(name, TensorCodec.concat(list)));
        return out;
    }

    private void runChunk(
            BatchChunk c, Map<String, Tensor> inputs, Set<String> wanted, Map<String, List<Tensor>> parts) {
        ProfileBuffers buf = buffersFor(c.profile());
        if (currentProfile != c.profile().index()) {
            adapter.setProfile(c.profile().index());
            buf.bind(adapter);
            currentProfile = c.profile().index();
        }
        StringJoiner key = new StringJoiner(",");
        for (TrtIoTensor t : io) {
            if (!t.input()) {
                continue;
            }
            Tensor x = inputs.get(t.name());
            long[] shape = t.batched() ? Shapes.withBatch(x.shape(), c.padded()) : x.shape();
            adapter.setInputShape(t.name(), shape);
            key.add(Shapes.format(shape));
            long bytes = TensorCodec.encode(x, t.dataType(), c.start(), c.count(), c.padded(), buf.host(t.name()));
            adapter.copyHtoD(buf.device(t.name()), buf.host(t.name()), bytes);
        }
        execute(new CudaGraphCache.Key(c.profile().index(), key.toString()));
        Map<String, long[]> outShapes = new LinkedHashMap<>();
        for (TrtIoTensor t : io) {
            if (!t.input() && wanted.contains(t.name())) {
                long[] shape = adapter.outputShape(t.name());
                outShapes.put(t.name(), shape);
                adapter.copyDtoH(
                        buf.host(t.name()),
                        buf.device(t.name()),
                        Shapes.bytes(shape, t.dataType().bytes()));
            }
        }
        adapter.sync();
        for (TrtIoTensor t : io) {
            long[] shape = outShapes.get(t.name());
            if (shape != null && (t.batched() || !parts.containsKey(t.name()))) { // a scalar output once
                int keep = t.batched() ? c.count() : 1;
                Tensor part = TensorCodec.decode(buf.host(t.name()), t.dataType(), shape, keep);
                parts.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(part);
            }
        }
    }

    private void execute(CudaGraphCache.Key key) {
        if (graphs == null) {
            adapter.enqueue();
            return;
        }
        switch (graphs.action(key)) {
            case PLAIN -> adapter.enqueue();
            case REPLAY -> adapter.launchGraph(graphs.graph(key));
            case CAPTURE -> {
                TrtAdapter.Graph g;
                try {
                    g = adapter.captureGraph();
                } catch (TrtNativeException e) {
                    log.warn(
                            "CUDA graph capture failed for {} profile #{} shapes {}; running without a graph: {}",
                            source,
                            key.profile(),
                            key.shapes(),
                            e.getMessage());
                    graphs.markFailed(key);
                    adapter.enqueue();
                    return;
                }
                graphs.put(key, g, adapter);
                adapter.launchGraph(g);
            }
        }
    }

    private ProfileBuffers buffersFor(TrtProfile p) {
        ProfileBuffers b = buffers.get(p.index());
        if (b == null) {
            b = ProfileBuffers.allocate(adapter, p, io);
            currentProfile = -1; // allocation moved the context to p without binding
            buffers.put(p.index(), b);
            log.debug("{}: allocated {} bytes of device buffers for profile {}", source, b.deviceBytes(), p);
        }
        return b;
    }

    private Map<String, long[]> checkInputs(Map<String, Tensor> inputs) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TrtIoTensor t : io) {
            if (!t.input()) {
                continue;
            }
            Tensor x = inputs.get(t.name());
            if (x == null) {
                throw new EngineException(
                        EngineException.Kind.UNSUPPORTED_INPUT,
                        source + " needs input '" + t.name() + "', got " + inputs.keySet());
            }
            long[] want = t.shape();
            long[] got = x.shape();
            boolean ok = want.length == got.length;
            for (int i = 0; ok && i < want.length; i++) {
                ok = want[i] < 0 || want[i] == got[i] || i == 0;
            }
            if (!ok) {
                throw new EngineException(
                        EngineException.Kind.UNSUPPORTED_INPUT,
                        source + " input " + t.spec() + " got shape " + Shapes.format(got));
            }
            shapes.put(t.name(), got);
        }
        return shapes;
    }

    private int batchOf(Map<String, Tensor> inputs) {
        int batch = -1;
        for (TrtIoTensor t : io) {
            if (t.input() && t.batched()) {
                int b = Math.toIntExact(inputs.get(t.name()).dim(0));
                if (batch >= 0 && b != batch) {
                    throw new EngineException(
                            EngineException.Kind.UNSUPPORTED_INPUT,
                            source + ": inputs disagree on the batch size (dimension 0): "
                                    + describe(shapesOf(inputs)));
                }
                batch = b;
            }
        }
        if (batch == 0) {
            throw new EngineException(EngineException.Kind.UNSUPPORTED_INPUT, source + ": empty batch");
        }
        return Math.max(batch, 1);
    }

    private Map<String, long[]> shapesOf(Map<String, Tensor> inputs) {
        Map<String, long[]> m = new LinkedHashMap<>();
        inputs.forEach((k, v) -> m.put(k, v.shape()));
        return m;
    }

    private static String describe(Map<String, long[]> shapes) {
        StringJoiner j = new StringJoiner(", ");
        shapes.forEach((name, s) -> j.add(name + " " + Shapes.format(s)));
        return j.toString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            adapter.useDevice(); // buffers belong to the plan's device, whichever thread closes
            if (graphs != null) {
                graphs.clear(adapter);
            }
            buffers.values().forEach(b -> b.free(adapter));
            buffers.clear();
        } finally {
            adapter.close();
        }
    }
}
