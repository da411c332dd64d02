package dev.strobe.service;

/**
 * Request limits enforced by the service (the transport enforces message size itself).
 *
 * @param maxPromptChars longest accepted prompt in characters (CLIP keeps 75 tokens anyway)
 * @param maxImages images per request
 * @param maxRequestIdChars longest accepted request id
 */
public record Limits(int maxPromptChars, int maxImages, int maxRequestIdChars) {
    public static Limits defaults() {
        return new Limits(10_000, 4, 128);
    }
}
