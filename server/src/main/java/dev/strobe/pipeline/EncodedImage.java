package dev.strobe.pipeline;

/** An encoded image ready to send. */
public record EncodedImage(ImageFormat format, int width, int height, byte[] data) {}
