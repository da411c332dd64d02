package dev.strobe.engine.build;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One optimisation profile to build, in user terms: a batch range and an image height and width
 * range in pixels. Written on the command line as {@code --batch 1:4:8 --size 512:1024:1536} or,
 * repeated for several profiles, {@code --profile batch=1:4:8,size=512:1024:1536} (or
 * {@code height=...,width=...} for non-square ranges). The size may be left out for a network
 * without image-shaped inputs (the text encoders); height and width are then null.
 */
public record BuildProfile(DimRange batch, DimRange height, DimRange width) {

    /** Parses one {@code --profile} value. */
    public static BuildProfile parse(String spec) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] p = part.split("=", 2);
            if (p.length != 2 || p[1].isBlank()) {
                throw new IllegalArgumentException(
                        "--profile '" + spec + "' must be key=value pairs, e.g. batch=1:4:8,size=512:1024:1536");
            }
            String key = p[0].trim().toLowerCase(Locale.ROOT);
            if (!key.matches("batch|size|height|width")) {
                throw new IllegalArgumentException(
                        "--profile '" + spec + "': unknown key '" + key + "' (batch, size, height, width)");
            }
            if (kv.put(key, p[1].trim()) != null) {
                throw new IllegalArgumentException("--profile '" + spec + "' repeats " + key);
            }
        }
        return of(kv.get("batch"), kv.get("size"), kv.get("height"), kv.get("width"), "--profile '" + spec + "'");
    }

    /**
     * Builds a profile from the separate options; {@code size} sets both sides and excludes
     * {@code height}/{@code width}.
     */
    public static BuildProfile of(String batch, String size, String height, String width, String where) {
        if (batch == null) {
            throw new IllegalArgumentException(where + ": the batch range is missing (e.g. batch 1:4:8)");
        }
        if (size != null && (height != null || width != null)) {
            throw new IllegalArgumentException(where + ": give size for square images or height and width, not both");
        }
        if (size == null && (height == null) != (width == null)) {
            throw new IllegalArgumentException(where + ": give height and width together (or size)");
        }
        DimRange b = DimRange.parse(batch, "batch");
        if (size == null && height == null) {
            return new BuildProfile(b, null, null); // batch only: text encoders (input_ids [B,77])
        }
        DimRange h = DimRange.parse(size != null ? size : height, size != null ? "size" : "height");
        DimRange w = DimRange.parse(size != null ? size : width, size != null ? "size" : "width");
        return new BuildProfile(b, h, w);
    }

    @Override
    public String toString() {
        return height == null ? "batch " + batch : "batch " + batch + ", height " + height + ", width " + width;
    }
}
