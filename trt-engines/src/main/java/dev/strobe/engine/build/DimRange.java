package dev.strobe.engine.build;

/**
 * A min:opt:max range of one dimension, written {@code 1:4:8} on the command line; a single
 * number {@code 512} means min = opt = max.
 */
public record DimRange(int min, int opt, int max) {

    public DimRange {
        if (min < 1 || min > opt || opt > max) {
            throw new IllegalArgumentException("need 1 <= min <= opt <= max, got " + min + ":" + opt + ":" + max);
        }
    }

    /** Parses {@code min:opt:max} or a single number; {@code what} names the option in errors. */
    public static DimRange parse(String text, String what) {
        String[] p = text.trim().split(":", -1);
        try {
            if (p.length == 1) {
                int v = Integer.parseInt(p[0].trim());
                return new DimRange(v, v, v);
            }
            if (p.length == 3) {
                return new DimRange(
                        Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + text + "': " + e.getMessage());
        }
        throw new IllegalArgumentException(what + " '" + text + "' must be min:opt:max (e.g. 1:4:8) or one number");
    }

    /** This range divided by {@code factor} (pixels to latent pixels). */
    public DimRange divide(int factor, String what) {
        if (min % factor != 0 || opt % factor != 0 || max % factor != 0) {
            throw new IllegalArgumentException(what + " " + this + " must be multiples of " + factor);
        }
        return new DimRange(min / factor, opt / factor, max / factor);
    }

    @Override
    public String toString() {
        return min + ":" + opt + ":" + max;
    }
}
