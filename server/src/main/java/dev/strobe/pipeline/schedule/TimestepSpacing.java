package dev.strobe.pipeline.schedule;

import java.util.Locale;

/**
 * How the denoising timesteps are spread over the training schedule, named as in the model
 * manifest's {@code timestep_spacing}.
 */
public enum TimestepSpacing {
    /** diffusers' EulerDiscreteScheduler with {@code timestep_spacing="trailing"}: integer timesteps. */
    TRAILING("trailing"),
    /** ComfyUI's {@code sgm_uniform} scheduler: fractional timesteps, sigma by log-linear interpolation. */
    SGM_UNIFORM("sgm_uniform");

    private final String manifestName;

    TimestepSpacing(String manifestName) {
        this.manifestName = manifestName;
    }

    public String manifestName() {
        return manifestName;
    }

    /** Parses "trailing" or "sgm_uniform" (case-insensitive). */
    public static TimestepSpacing parse(String s) {
        if (s != null) {
            for (TimestepSpacing v : values()) {
                if (v.manifestName.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException("timestep spacing must be \"trailing\" (diffusers) or"
                + " \"sgm_uniform\" (ComfyUI), got " + (s == null ? "nothing" : "\"" + s + "\""));
    }
}
