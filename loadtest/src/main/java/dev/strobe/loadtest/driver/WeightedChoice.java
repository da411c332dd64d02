package dev.strobe.loadtest.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Picks one of several values with probabilities proportional to their weights (e.g. sizes
 * {@code 1024x1024:3, 768x1344:1}). Immutable and thread-safe; the caller supplies the random source.
 */
public final class WeightedChoice<T> {

    /** A value and its relative weight. */
    public record Option<T>(T value, double weight) {
        public Option {
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new LoadConfigurationException(
                        "weights must be positive numbers, got " + weight + " for " + value);
            }
        }
    }

    private final List<T> values;
    private final double[] cumulative;

    public WeightedChoice(List<Option<T>> options) {
        if (options.isEmpty()) {
            throw new LoadConfigurationException("a weighted choice needs at least one option");
        }
        values = new ArrayList<>(options.size());
        cumulative = new double[options.size()];
        double sum = 0;
        for (int i = 0; i < options.size(); i++) {
            sum += options.get(i).weight();
            cumulative[i] = sum;
            values.add(options.get(i).value());
        }
    }

    /** A choice that always returns {@code value}. */
    public static <T> WeightedChoice<T> only(T value) {
        return new WeightedChoice<>(List.of(new Option<>(value, 1)));
    }

    public T pick(Random random) {
        if (values.size() == 1) {
            return values.get(0);
        }
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (x < cumulative[i]) {
                return values.get(i);
            }
        }
        return values.get(values.size() - 1);
    }

    public List<T> values() {
        return List.copyOf(values);
    }
}
