package dev.strobe.engine.tensorrt.javacpp;

import java.util.ArrayDeque;
import java.util.Deque;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's logger, forwarded to SLF4J ("tensorrt" logger), keeping the last few error messages
 * so that a failed call (which TensorRT reports as false or null) can be turned into an exception
 * carrying TensorRT's own words.
 *
 * <p>TensorRT may call {@link #log} from its own threads, hence the synchronisation.
 */
public final class TrtLogger extends ILogger {
    private static final Logger log = LoggerFactory.getLogger("tensorrt");
    private static final int KEEP = 8;

    private final Deque<String> errors = new ArrayDeque<>();

    @Override
    public void log(Severity severity, String msg) {
        Severity s = severity.intern();
        if (s == Severity.kINTERNAL_ERROR || s == Severity.kERROR) {
            log.error("[TensorRT] {}", msg);
            synchronized (errors) {
                errors.addLast(msg);
                while (errors.size() > KEEP) {
                    errors.removeFirst();
                }
            }
        } else if (s == Severity.kWARNING) {
            log.warn("[TensorRT] {}", msg);
        } else if (s == Severity.kINFO) {
            log.info("[TensorRT] {}", msg);
        } else {
            log.debug("[TensorRT] {}", msg);
        }
    }

    /** The errors logged since the last call, joined, or {@code fallback} when there were none. */
    public String drainErrors(String fallback) {
        synchronized (errors) {
            if (errors.isEmpty()) {
                return fallback;
            }
            String s = String.join(" | ", errors);
            errors.clear();
            return s;
        }
    }
}
