package dev.strobe.server.metrics;

import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.RequestInfo;
import dev.strobe.service.stream.RequestLog;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one structured line per request (logfmt: key=value) to the "strobe.requests" logger, and
 * passes the outcome on to the next observer (the metrics). The stream core calls it exactly once
 * per request of any frontend, on whichever thread ended the stream.
 *
 * <p>Line: {@code frontend=grpc|http request_id="..." model="..." size=WxH images=N prompt_tokens=N
 * code=CODE}, {@code user="..."} when the client sent one, then for OK {@code queue_ms encode_ms
 * wait_ms denoise_ms decode_ms first_preview_ms total_ms} (the stages add up to total_ms), then for
 * errors
 * {@code message="..."}. Strings are quoted, control characters escaped, long ones cut at 200.
 */
public final class RequestLogger implements RequestLog {
    private static final Logger log = LoggerFactory.getLogger("strobe.requests");
    private final RequestLog next;
    private final Consumer<String> out;

    public RequestLogger(RequestLog next) {
        this(next, log::info);
    }

    /** @param out where the lines go (tests capture them) */
    public RequestLogger(RequestLog next, Consumer<String> out) {
        this.next = next;
        this.out = out;
    }

    @Override
    public void finished(RequestInfo r, String code, Timings t, String message) {
        out.accept(line(r, code, t, message));
        next.finished(r, code, t, message);
    }

    /** The log line of one request. */
    static String line(RequestInfo r, String code, Timings t, String message) {
        StringBuilder b = new StringBuilder()
                .append("frontend=")
                .append(r.frontend())
                .append(" request_id=")
                .append(quote(r.requestId()))
                .append(" model=")
                .append(quote(r.model()))
                .append(" size=")
                .append(Integer.toUnsignedString(r.width()))
                .append('x')
                .append(Integer.toUnsignedString(r.height()))
                .append(" images=")
                .append(Integer.toUnsignedString(r.images()))
                .append(" prompt_tokens=")
                .append(r.promptTokens())
                .append(" code=")
                .append(code);
        if (!r.user().isEmpty()) {
            b.append(" user=").append(quote(r.user()));
        }
        if (t != null) {
            b.append(String.format(
                    Locale.ROOT,
                    " queue_ms=%.1f encode_ms=%.1f wait_ms=%.1f denoise_ms=%.1f decode_ms=%.1f first_preview_ms=%.1f"
                            + " total_ms=%.1f",
                    t.queueMs(),
                    t.encodeMs(),
                    t.waitMs(),
                    t.denoiseMs(),
                    t.decodeMs(),
                    t.firstPreviewMs(),
                    t.totalMs()));
        }
        if (message != null && !message.isEmpty()) {
            b.append(" message=").append(quote(message));
        }
        return b.toString();
    }

    static String quote(String s) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        StringBuilder b = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                // Escaped so that one request stays one line, whatever the client sent.
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }
}
