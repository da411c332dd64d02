package dev.strobe.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request log line: one per request, logfmt, safe whatever the client sent. */
class RequestLoggerTest {
    private final List<String> lines = new ArrayList<>();
    private final List<String> forwarded = new ArrayList<>();
    private final RequestLogger logger =
            new RequestLogger((r, code, t, m) -> forwarded.add(r.requestId() + " " + code), lines::add);

    @Test
    void aSuccessfulRequestIsOneLineWithItsIdAndStageTimings() {
        logger.finished(
                new RequestInfo("grpc", "fox-1", "tiny-lightning-4step", 256, 256, 1, 6, ""),
                "OK",
                new Timings(0.25, 15.9, 55.8, 30.4, 105.04, 26.2, 2.69),
                "");
        assertEquals(
                List.of("frontend=grpc request_id=\"fox-1\" model=\"tiny-lightning-4step\" size=256x256 images=1"
                        + " prompt_tokens=6 code=OK queue_ms=0.3 encode_ms=15.9 wait_ms=2.7 denoise_ms=55.8 decode_ms=30.4"
                        + " first_preview_ms=26.2"
                        + " total_ms=105.0"),
                lines);
        assertEquals(List.of("fox-1 OK"), forwarded, "the outcome goes on to the metrics");
    }

    @Test
    void aRefusalCarriesItsSentenceAndUnsignedFieldsStayUnsigned() {
        logger.finished(
                new RequestInfo("http", "", "", -1, 256, -1, 0, "user-7"),
                "INVALID_ARGUMENT",
                null,
                "num_images must be 0 (one image) to 4, got 4294967295");
        assertEquals(
                "frontend=http request_id=\"\" model=\"\" size=4294967295x256 images=4294967295 prompt_tokens=0"
                        + " code=INVALID_ARGUMENT user=\"user-7\" message=\"num_images must be 0 (one image) to 4, got 4294967295\"",
                lines.get(0));
    }

    @Test
    void whateverTheClientSentTheEntryStaysOneQuotedLine() {
        String hostile = "a\"b\\c\nd\re\u2028f\u0000" + "x".repeat(500);
        logger.finished(
                new RequestInfo("grpc", hostile, hostile, 256, 256, 1, 0, hostile),
                "NOT_FOUND",
                null,
                "model not served");
        String line = lines.get(0);
        assertFalse(
                line.contains("\n") || line.contains("\r") || line.contains("\u2028") || line.contains("\u0000"), line);
        assertTrue(line.startsWith("frontend=grpc request_id=\"a\\\"b\\\\c\\u000ad\\u000de\\u2028f\\u0000xxx"), line);
        assertTrue(line.length() < 1000, "long values are cut: " + line.length());
        assertEquals(1, lines.size());
    }
}
