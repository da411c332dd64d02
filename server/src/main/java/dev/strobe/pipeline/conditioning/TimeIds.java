package dev.strobe.pipeline.conditioning;

/**
 * SDXL's micro-conditioning row {@code time_ids}: (original_h, original_w, crop_top, crop_left,
 * target_h, target_w) = (H, W, 0, 0, H, W) for plain text-to-image, as diffusers builds it from
 * {@code original_size = target_size = (height, width)} and {@code crops_coords_top_left = (0, 0)}.
 * Stateless.
 */
public final class TimeIds {
    /** Values per row of the UNet's {@code time_ids} input [B, 6]. */
    public static final int LENGTH = 6;

    private TimeIds() {}

    /** The time_ids row for an image of {@code height} x {@code width} pixels. */
    public static float[] of(int height, int width) {
        float[] row = new float[LENGTH];
        write(height, width, row, 0);
        return row;
    }

    /** Writes the row into {@code dst[offset..offset + 6)} (one row of a batch buffer). */
    public static void write(int height, int width, float[] dst, int offset) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        dst[offset] = height;
        dst[offset + 1] = width;
        dst[offset + 2] = 0;
        dst[offset + 3] = 0;
        dst[offset + 4] = height;
        dst[offset + 5] = width;
    }
}
