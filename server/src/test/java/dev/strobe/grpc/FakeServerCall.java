package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A server stream observer whose readiness the test sets, recording what was sent. Single-threaded
 * tests only (with a direct executor the sink calls it on the test thread).
 */
final class FakeServerCall extends ServerCallStreamObserver<GenerateEvent> {
    final List<GenerateEvent> sent = new ArrayList<>();
    Status closedWith;
    boolean ready = true;
    private Runnable onReady = () -> {};

    /** The client read what it had: the transport is ready again and says so. */
    void becomeReady() {
        ready = true;
        onReady.run();
    }

    List<String> sentKinds() {
        List<String> kinds = new ArrayList<>();
        for (GenerateEvent e : sent) {
            kinds.add(
                    switch (e.getEventCase()) {
                        case PREVIEW ->
                            "preview " + e.getPreview().getImageIndex() + "/"
                                    + e.getPreview().getStep();
                        case IMAGE -> "image " + e.getImage().getImageIndex();
                        default -> e.getEventCase().name().toLowerCase(java.util.Locale.ROOT);
                    });
        }
        if (closedWith != null) {
            kinds.add("closed " + closedWith.getCode());
        }
        return kinds;
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
        onReady = handler;
    }

    @Override
    public void onNext(GenerateEvent value) {
        if (closedWith != null) {
            throw new IllegalStateException("call already closed");
        }
        sent.add(value);
    }

    @Override
    public void onError(Throwable t) {
        if (closedWith != null) {
            throw new IllegalStateException("call already closed");
        }
        closedWith = Status.fromThrowable(t);
    }

    @Override
    public void onCompleted() {
        if (closedWith != null) {
            throw new IllegalStateException("call already closed");
        }
        closedWith = Status.OK;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    @SuppressWarnings("deprecation")
    public void disableAutoInboundFlowControl() {}
}
