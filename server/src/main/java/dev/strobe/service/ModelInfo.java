package dev.strobe.service;

/**
 * What clients may know about a served model, and the limits requests are validated against.
 *
 * @param predictionType "epsilon" or "sample"
 * @param maxBatch images per UNet call
 * @param engine the UNet's execution backend
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
        String engine) {}
