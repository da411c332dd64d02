package dev.strobe.server.metrics;

import dev.strobe.grpc.RequestInfo;
import dev.strobe.grpc.RequestLog;
import dev.strobe.scheduler.Timings;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one structured line per request (logfmt: key=value) to the "strobe.requests" logger, and
 * passes the outcome on to the metrics.
 */
public final class RequestLogger implements RequestLog {
    private static final Logger log = LoggerFactory.getLogger("strobe.requests");
    private final RequestLog next;

    public RequestLogger(RequestLog next) {
        this.next = next;
    }

    @Override
    public void finished(RequestInfo r, String code, Timings t, String message) {
        StringBuilder b = new StringBuilder()
                .append("request_id=").append(quote(r.requestId()))
                .append(" model=").append(quote(r.model()))
                .append(" size=").append(Integer.toUnsignedString(r.width())).append('x')
                .append(Integer.toUnsignedString(r.height()))
                .append(" images=").append(Integer.toUnsignedString(r.images()))
                .append(" prompt_tokens=").append(r.promptTokens())
                .append(" code=").append(code);
        if (t != null) {
            b.append(String.format(Locale.ROOT,
                    " queue_ms=%.1f encode_ms=%.1f denoise_ms=%.1f decode_ms=%.1f first_preview_ms=%.1f total_ms=%.1f",
                    t.queueMs(), t.encodeMs(), t.denoiseMs(), t.decodeMs(), t.firstPreviewMs(), t.totalMs()));
        }
        if (!message.isEmpty()) {
            b.append(" message=").append(quote(message));
        }
        log.info(b.toString());
        next.finished(r, code, t, message);
    }

    static String quote(String s) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        StringBuilder b = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }
}
