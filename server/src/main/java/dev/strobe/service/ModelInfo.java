package dev.strobe.service;

/**
 * What clients may know about a served model, and the limits requests are validated against.
 *
 * @param predictionType "epsilon" or "sample"
 * @param minSize smallest width and height served (model.json's range narrowed to the engines' profiles)
 * @param maxSize largest width and height served
 * @param maxBatch images per UNet call
 * @param engine the UNet's execution backend
 * @param sizeLimitedBy which shape profiles bound the sizes (empty: none, e.g. ONNX Runtime), so
 *     warm-up knows whether the largest size must be tried at start-up
 */
public record ModelInfo(
        String name,
        String family,
        int steps,
        String predictionType,
        String timestepSpacing,
        int minSize,
        int maxSize,
        int sizeMultiple,
        int defaultWidth,
        int defaultHeight,
        int maxBatch,
        String engine,
        String sizeLimitedBy) {

    /** A model whose sizes no shape profile bounds. */
    public ModelInfo(
            String name,
            String family,
            int steps,
            String predictionType,
            String timestepSpacing,
            int minSize,
            int maxSize,
            int sizeMultiple,
            int defaultWidth,
            int defaultHeight,
            int maxBatch,
            String engine) {
        this(
                name,
                family,
                steps,
                predictionType,
                timestepSpacing,
                minSize,
                maxSize,
                sizeMultiple,
                defaultWidth,
                defaultHeight,
                maxBatch,
                engine,
                "");
    }
}
