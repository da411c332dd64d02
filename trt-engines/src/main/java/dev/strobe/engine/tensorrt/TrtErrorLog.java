package dev.strobe.engine.tensorrt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What TensorRT's one process-wide logger said, attributed to the native call that said it.
 *
 * <p>TensorRT keeps a single logger per process: the first {@code ILogger} handed to
 * createInferRuntime or createInferBuilder is used by every runtime, builder and engine until all
 * of them are destroyed, and a different logger passed later is ignored with a warning
 * (NVIDIA/TensorRT#1475). strobe therefore creates one logger per process and shares it; with
 * several plans loaded, "the last error the logger saw" may belong to another engine. A failed
 * TensorRT call (reported as false or null) logs its reason synchronously, on the thread that made
 * the call, so the reason is found by capturing what the current thread logs while the call runs:
 * {@link #capture} opens such a window around one call. Messages from other threads, or from this
 * thread outside any window, go only to the log; they are never blamed on a call.
 *
 * <p>Plain Java so that the attribution rule is unit-tested without TensorRT; the JavaCPP
 * {@code TrtLogger} feeds {@link #record}. Thread-safe: TensorRT may log from its own threads.
 */
public final class TrtErrorLog {
    /** TensorRT's ILogger::Severity, in its order. */
    public enum Severity {
        INTERNAL_ERROR,
        ERROR,
        WARNING,
        INFO,
        VERBOSE
    }

    /** A call's result and the errors it logged. */
    public record Captured<T>(T value, List<String> errors) {
        public Captured {
            errors = List.copyOf(errors);
        }

        /** The errors joined by " | ", or {@code fallback} when the call logged none. */
        public String errorsOr(String fallback) {
            return errors.isEmpty() ? fallback : String.join(" | ", errors);
        }
    }

    /** Receives every message (for SLF4J); called on the logging thread. */
    @FunctionalInterface
    public interface Sink {
        void message(Severity severity, String text);
    }

    private final Sink sink;
    /** The open capture window of each thread: what that thread logged since the window opened. */
    private final ThreadLocal<List<String>> window = new ThreadLocal<>();

    private final List<String> warnings = new ArrayList<>();
    private static final int KEEP_WARNINGS = 64;

    public TrtErrorLog(Sink sink) {
        this.sink = sink;
    }

    /** Called by the native logger for every message TensorRT emits, on the emitting thread. */
    public void record(Severity severity, String text) {
        sink.message(severity, text);
        if (severity == Severity.INTERNAL_ERROR || severity == Severity.ERROR) {
            List<String> w = window.get();
            if (w != null) {
                w.add(text);
            }
        } else if (severity == Severity.WARNING) {
            synchronized (warnings) {
                warnings.add(text);
                if (warnings.size() > KEEP_WARNINGS) {
                    warnings.remove(0);
                }
            }
        }
    }

    /**
     * Runs one native call and returns its result with the errors this thread logged during it.
     * Windows nest: an inner call's errors are also the outer call's.
     */
    public <T> Captured<T> capture(Supplier<T> call) {
        List<String> outer = window.get();
        List<String> mine = new ArrayList<>();
        window.set(mine);
        try {
            T value = call.get();
            return new Captured<>(value, mine);
        } finally {
            if (outer == null) {
                window.remove();
            } else {
                outer.addAll(mine);
                window.set(outer);
            }
        }
    }

    /**
     * Runs a call that reports failure as false and throws {@link TrtNativeException}
     * {@code "<what> failed: <TensorRT's errors>"} when it fails.
     */
    public void check(BooleanSupplier call, String what) {
        Captured<Boolean> c = capture(call::getAsBoolean);
        if (!c.value()) {
            throw new TrtNativeException(what + " failed: " + c.errorsOr("no TensorRT error text"));
        }
    }

    /** The most recent warnings (at most 64), oldest first: for reports and tests. */
    public List<String> recentWarnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }
}
