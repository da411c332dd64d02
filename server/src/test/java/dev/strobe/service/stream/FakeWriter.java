package dev.strobe.service.stream;

import dev.strobe.errors.StrobeException;
import java.util.ArrayList;
import java.util.List;

/** Records what a stream wrote, with a readiness switch like a transport's flow control. */
final class FakeWriter implements EventWriter {
    final List<String> sent = new ArrayList<>();
    volatile boolean ready = true;
    StrobeException failure;
    GenerationStream stream;
    /** When set, write() throws it (a transport bug). */
    RuntimeException throwOnWrite;

    /** Events the transport takes before it is not ready again; negative: unlimited while ready. */
    private int credits = -1;

    /** The client read what it had: the transport is ready again and says so. */
    void becomeReady() {
        ready = true;
        credits = -1;
        stream.onReady();
    }

    /** The transport takes exactly {@code n} more events, then is not ready. */
    void allow(int n) {
        credits = n;
        ready = n > 0;
        stream.onReady();
    }

    @Override
    public boolean isReady() {
        return ready && credits != 0;
    }

    @Override
    public synchronized void write(StreamEvent e) {
        if (throwOnWrite != null) {
            throw throwOnWrite;
        }
        if (credits > 0) {
            credits--;
        }
        if (e instanceof StreamEvent.Queued) {
            sent.add("queued");
        } else if (e instanceof StreamEvent.Preview p) {
            sent.add("preview " + p.imageIndex() + "/" + p.step());
        } else if (e instanceof StreamEvent.FinalImage i) {
            sent.add("image " + i.imageIndex() + " seed " + i.seed());
        } else if (e instanceof StreamEvent.Done d) {
            sent.add("done " + d.requestId());
        }
    }

    @Override
    public synchronized void complete() {
        sent.add("complete");
    }

    @Override
    public synchronized void fail(StrobeException error) {
        failure = error;
        sent.add("fail " + error.kind().code());
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }
}
