package dev.strobe.grpc;

/** What the request log says about a request besides its outcome. */
public record RequestInfo(String requestId, String model, int width, int height, int images, int promptTokens) {}
