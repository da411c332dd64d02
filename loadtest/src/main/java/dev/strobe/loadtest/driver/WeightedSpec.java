package dev.strobe.loadtest.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Parses repeatable command-line values with an optional weight, {@code VALUE[:WEIGHT]}, such as
 * {@code --size 1024x1024:3} or {@code --model sdxl-lightning-4step:2}. Stateless.
 */
public final class WeightedSpec {

    private WeightedSpec() {}

    /**
     * Parses every spec; {@code parseValue} turns the part before the last ':' into a value and throws
     * {@link LoadConfigurationException} when it cannot.
     */
    public static <T> WeightedChoice<T> parse(List<String> specs, Function<String, T> parseValue, String what) {
        List<WeightedChoice.Option<T>> options = new ArrayList<>();
        for (String spec : specs) {
            String text = spec.strip();
            int colon = text.lastIndexOf(':');
            double weight = 1;
            String value = text;
            if (colon >= 0) {
                value = text.substring(0, colon);
                String weightText = text.substring(colon + 1);
                try {
                    weight = Double.parseDouble(weightText);
                } catch (NumberFormatException e) {
                    throw new LoadConfigurationException("the weight '" + weightText + "' of " + what + " '" + spec
                            + "' is not a number; write " + what + ":WEIGHT, e.g. 3");
                }
            }
            options.add(new WeightedChoice.Option<>(parseValue.apply(value), weight));
        }
        return new WeightedChoice<>(options);
    }

    /** Parses {@code WIDTHxHEIGHT} (0x0 means the model's default size). */
    public static ImageSize parseSize(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 2) {
            throw new LoadConfigurationException("'" + text + "' is not a size; write WIDTHxHEIGHT, e.g. 1024x1024");
        }
        try {
            int width = Integer.parseInt(parts[0].strip());
            int height = Integer.parseInt(parts[1].strip());
            if (width < 0 || height < 0) {
                throw new NumberFormatException();
            }
            return new ImageSize(width, height);
        } catch (NumberFormatException e) {
            throw new LoadConfigurationException(
                    "'" + text + "' is not a size; width and height must be whole numbers of 0 or more, e.g. 768x1344");
        }
    }

    /** An image size in pixels; 0 means the model's default. */
    public record ImageSize(int width, int height) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }
}
