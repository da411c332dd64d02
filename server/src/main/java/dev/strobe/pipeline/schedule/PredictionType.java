package dev.strobe.pipeline.schedule;

import java.util.Locale;

/** What the UNet predicts, named as in the model manifest's {@code prediction_type}. */
public enum PredictionType {
    /** The noise: x0_hat = x - sigma * out (SDXL-Lightning 2, 4 and 8 steps). */
    EPSILON("epsilon"),
    /** The clean latent itself: x0_hat = out (SDXL-Lightning 1 step). */
    SAMPLE("sample");

    private final String manifestName;

    PredictionType(String manifestName) {
        this.manifestName = manifestName;
    }

    public String manifestName() {
        return manifestName;
    }

    /** Parses "epsilon" or "sample" (case-insensitive). */
    public static PredictionType parse(String s) {
        if (s != null) {
            for (PredictionType v : values()) {
                if (v.manifestName.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException(
                "prediction type must be \"epsilon\" or \"sample\", got " + (s == null ? "nothing" : "\"" + s + "\""));
    }
}
