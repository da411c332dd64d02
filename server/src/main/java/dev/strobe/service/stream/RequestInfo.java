package dev.strobe.service.stream;

import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.service.GenerateCommand;

/**
 * What the request log says about a request besides its outcome.
 *
 * @param frontend the protocol it came in on, "grpc" or "http"
 * @param user the client's end-user id where the protocol has one (OpenAI's {@code user}), else ""
 */
public record RequestInfo(
        String frontend,
        String requestId,
        String model,
        int width,
        int height,
        int images,
        int promptTokens,
        String user) {

    /** A request that was admitted: its resolved values. */
    static RequestInfo admitted(String frontend, GenerationSpec s, String user) {
        return new RequestInfo(
                frontend,
                s.requestId(),
                s.model(),
                s.size().width(),
                s.size().height(),
                s.numImages(),
                s.tokens().promptTokens(),
                user);
    }

    /** A request that was refused: the fields as sent. */
    static RequestInfo refused(String frontend, GenerateCommand c, String user) {
        return new RequestInfo(
                frontend, nonNull(c.requestId()), nonNull(c.model()), c.width(), c.height(), c.numImages(), 0, user);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
