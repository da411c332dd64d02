package dev.strobe.service;

/**
 * A generation request as a client sent it, before validation; zero means "default" as in
 * strobe.v1.GenerateRequest. The gRPC edge builds it from the protobuf message.
 *
 * @param seed null when the client sent none
 */
public record GenerateCommand(
        String prompt,
        String model,
        int width,
        int height,
        int steps,
        Long seed,
        int numImages,
        PreviewChoice previewFormat,
        int previewMaxSide,
        int previewEveryN,
        OutputChoice outputFormat,
        String requestId) {

    /** Preview encodings a client may ask for. */
    public enum PreviewChoice {
        DEFAULT,
        NONE,
        JPEG,
        PNG,
        /** A value this server does not know (a newer client). */
        UNKNOWN
    }

    /** Final-image encodings a client may ask for. */
    public enum OutputChoice {
        DEFAULT,
        PNG,
        JPEG,
        UNKNOWN
    }
}
