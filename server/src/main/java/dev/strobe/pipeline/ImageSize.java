package dev.strobe.pipeline;

/** Width and height of an image in pixels, and of its latent. */
public record ImageSize(int width, int height) {

    public int latentWidth(int factor) {
        return width / factor;
    }

    public int latentHeight(int factor) {
        return height / factor;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
