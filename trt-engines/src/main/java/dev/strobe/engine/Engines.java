package dev.strobe.engine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The engine providers known to this process, by name. Built in {@code main}; no global state. */
public final class Engines {
    private final Map<String, EngineProvider> providers = new LinkedHashMap<>();

    public Engines register(EngineProvider provider) {
        providers.put(provider.name(), provider);
        return this;
    }

    public Set<String> names() {
        return providers.keySet();
    }

    /**
     * Loads a component with the named backend.
     *
     * @throws EngineException of kind INVALID_MODEL when no backend has that name
     */
    public Engine load(String backend, Path file, Map<String, String> options) {
        EngineProvider p = providers.get(backend);
        if (p == null) {
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "unknown engine '" + backend + "' for " + file + "; known engines: " + names());
        }
        return p.load(file, options);
    }
}
