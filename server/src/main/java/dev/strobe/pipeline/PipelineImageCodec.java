package dev.strobe.pipeline;

import dev.strobe.pipeline.image.AreaDownscaler;
import dev.strobe.pipeline.image.ImageEncoder;
import dev.strobe.pipeline.image.LatentPreview;
import dev.strobe.pipeline.image.RgbImage;
import dev.strobe.pipeline.image.VaeImage;

/**
 * Final images: VAE output to 8 bits as diffusers does, then PNG or JPEG. Previews: ComfyUI's
 * latent-to-RGB approximation of x0_hat at latent resolution, scaled down to max_side. Stateless
 * and thread-safe; runs on output threads.
 */
public final class PipelineImageCodec implements ImageCodec {
    private final ImageEncoder encoder;
    private final int jpegQuality;

    public PipelineImageCodec() {
        this(new ImageEncoder(), ImageEncoder.DEFAULT_JPEG_QUALITY);
    }

    public PipelineImageCodec(ImageEncoder encoder, int jpegQuality) {
        this.encoder = encoder;
        this.jpegQuality = jpegQuality;
    }

    @Override
    public EncodedImage encodeFinal(DecodedImage image, ImageFormat format) {
        RgbImage rgb = VaeImage.toRgb(image.data(), image.offset(), image.height(), image.width());
        return encode(rgb, format, 0);
    }

    @Override
    public EncodedImage encodePreview(PreviewFrame frame, ImageFormat format, int maxSide) {
        RgbImage rgb = LatentPreview.render(frame.latent(), 0, frame.latentHeight(), frame.latentWidth());
        return encode(rgb, format, maxSide);
    }

    private EncodedImage encode(RgbImage rgb, ImageFormat format, int maxSide) {
        RgbImage fitted = AreaDownscaler.fitWithin(rgb, maxSide);
        byte[] data = encoder.encode(fitted, ImageEncoder.Format.valueOf(format.name()), jpegQuality, 0);
        return new EncodedImage(format, fitted.width(), fitted.height(), data);
    }
}
