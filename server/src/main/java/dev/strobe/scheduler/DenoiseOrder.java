package dev.strobe.scheduler;

import java.util.Locale;

/**
 * Which images of a shape group fill a UNet call when more are ready than the call holds.
 *
 * <ul>
 *   <li>{@link #OLDEST}: the oldest requests first (first come, first finished). A new image waits
 *       until the images ahead of it finished, so at saturation its first preview comes late.
 *   <li>{@link #FIRST_STEP}: images that have not taken a step yet get up to half of the call
 *       (floor(max_batch / 2) slots, oldest first), the rest goes to running images, oldest first;
 *       free slots go to whoever else is ready. A new image takes its first step at the next UNet
 *       call, so its first preview comes within one call of its text encoding; and a request that
 *       arrives while the UNet runs is encoded and takes its first step before the VAE decodes the
 *       images that call finished (the VAE yields one encode and one UNet call of new images
 *       only per device cycle, no more: a finished image's decode waits for at most one extra
 *       UNet call, and running images are not stepped early towards a VAE that is still busy),
 *       when that decode is expected to take {@link BatcherConfig#decodeYieldMin()} or more.
 * </ul>
 *
 * <p>The bound of {@link #FIRST_STEP}: running images keep at least ceil(B/2) of the B slots of
 * every call of their group, taken oldest first, except the VAE's yield (a call of new images
 * only, at most one per device cycle, so never two in a row). So the oldest running image of a
 * group steps at every call of its group that holds running images, and a running image is
 * skipped by at most W / ceil(B/2) such calls in a row (plus one call of new images after each),
 * W being the steps still owed to the running images older than it (images that arrive later are
 * younger and never count). Under {@link #OLDEST} the bound is W / B: the new order at most
 * doubles a running image's wait, and only while new images keep more than their half busy.
 * With max_batch 1 there is no half to give, and the order is {@link #OLDEST}.
 */
public enum DenoiseOrder {
    OLDEST,
    FIRST_STEP;

    /** The option value: {@code oldest} or {@code first-step}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses an option value ({@code oldest}, {@code first-step}; case and '-' or '_' do not matter).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static DenoiseOrder parse(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (DenoiseOrder o : values()) {
            if (o.name().equals(t)) {
                return o;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a denoise order; use oldest or first-step");
    }
}
