package dev.strobe.pipeline;

/**
 * Turns pipeline outputs into encoded images: final images from the VAE, previews from x0_hat.
 * Called on output threads, never on the device thread; implementations are thread-safe.
 */
public interface ImageCodec {

    EncodedImage encodeFinal(DecodedImage image, ImageFormat format);

    /** Renders the latent-to-RGB approximation and encodes it, longest side at most maxSide (0 = natural). */
    EncodedImage encodePreview(PreviewFrame frame, ImageFormat format, int maxSide);
}
