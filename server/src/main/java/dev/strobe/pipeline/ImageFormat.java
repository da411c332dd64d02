package dev.strobe.pipeline;

/** Encodings of images the server produces. */
public enum ImageFormat {
    PNG,
    JPEG
}
