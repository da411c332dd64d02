package dev.strobe.engine;

import java.util.Map;
import java.util.Set;

/**
 * One loaded model component (a text encoder, a UNet, a VAE decoder) on one execution backend:
 * named tensors in, named tensors out, batch dimension first.
 *
 * <p>Implementations are safe to call from one thread at a time; strobe's scheduler makes all
 * calls of a device from its single device thread.
 */
public interface Engine extends AutoCloseable {

    /** What this engine accepts and produces. */
    EngineInfo info();

    /**
     * Runs the engine once.
     *
     * @param inputs every input of {@link #info()}, by name, with concrete shapes
     * @param wanted the outputs to return; others may be dropped without being copied to the host
     * @return the wanted outputs, by name
     * @throws EngineException when the backend fails; the engine stays usable afterwards unless
     *     the exception says otherwise
     */
    Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> wanted);

    /** Frees native resources. */
    @Override
    void close();
}
