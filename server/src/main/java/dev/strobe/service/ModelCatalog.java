package dev.strobe.service;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models this server serves, by name, which one a request without a model gets, and the
 * model folders it found but could not load (listed with the reason, never served).
 */
public final class ModelCatalog {
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final String defaultModel;
    private final List<UnavailableModel> unavailable;

    public ModelCatalog(List<ServedModel> served, String defaultModel) {
        this(served, defaultModel, List.of());
    }

    public ModelCatalog(List<ServedModel> served, String defaultModel, List<UnavailableModel> unavailable) {
        this.unavailable = List.copyOf(unavailable);
        for (ServedModel m : served) {
            if (models.put(m.info().name(), m) != null) {
                throw new IllegalArgumentException(
                        "two models are named " + m.info().name());
            }
        }
        if (!models.containsKey(defaultModel)) {
            throw new IllegalArgumentException(
                    "default model '" + defaultModel + "' is not among the loaded models " + models.keySet());
        }
        this.defaultModel = defaultModel;
    }

    public String defaultModel() {
        return defaultModel;
    }

    public Collection<ServedModel> all() {
        return models.values();
    }

    /** The model folders found but not loaded, each with its reason. */
    public List<UnavailableModel> unavailable() {
        return unavailable;
    }

    public List<String> names() {
        return new ArrayList<>(models.keySet());
    }

    /**
     * The model a request names; the default for an empty name.
     *
     * @throws StrobeException UNKNOWN_MODEL naming the served models
     */
    public ServedModel resolve(String name) {
        if (name == null || name.isEmpty()) {
            return models.get(defaultModel);
        }
        ServedModel m = models.get(name);
        if (m == null) {
            for (UnavailableModel u : unavailable) {
                if (u.name().equals(name)) {
                    throw new StrobeException(
                            ErrorKind.UNKNOWN_MODEL,
                            "model '" + u.name()
                                    + "' did not load, so it is not served: " + u.reason() + "; available models: "
                                    + String.join(", ", models.keySet()));
                }
            }
            String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
            throw new StrobeException(
                    ErrorKind.UNKNOWN_MODEL,
                    "model '" + printable(shown) + "' is not served here; available models: "
                            + String.join(", ", models.keySet()));
        }
        return m;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
