package dev.strobe.loadtest.driver;

import com.google.protobuf.ByteString;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.client.GenerationEvent;
import dev.strobe.client.GenerationListener;
import dev.strobe.client.StrobeException;
import dev.strobe.client.Timings;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A fake server on {@link VirtualTime}: each request follows a {@link Plan} chosen from its send
 * order, emitting queued, evenly spaced previews, the images and done (or a failure) at virtual times.
 * Records every send and cancellation. Single-threaded, like {@link VirtualTime}.
 */
final class VirtualSender implements RequestSender {

    /**
     * What one request does.
     *
     * @param serviceNanos time from send to the last image (or to the failure)
     * @param failure status code to fail with, or null to succeed
     * @param hang true: never answers (until cancelled)
     * @param blockingNanos time {@code send} itself takes before returning (a slow synchronous client)
     */
    record Plan(long serviceNanos, Status.Code failure, boolean hang, long blockingNanos) {
        static Plan succeedAfter(long nanos) {
            return new Plan(nanos, null, false, 0);
        }

        static Plan failAfter(long nanos, Status.Code code) {
            return new Plan(nanos, code, false, 0);
        }

        static Plan hangForever() {
            return new Plan(0, null, true, 0);
        }
    }

    /** One send as the fake saw it. */
    record Sent(int index, long atNanos, GenerateRequest request, Plan plan) {}

    private final VirtualTime time;
    private final BiFunction<Integer, GenerateRequest, Plan> script;
    private final List<Sent> sent = new ArrayList<>();
    private final List<Integer> cancelled = new ArrayList<>();
    private int live;
    private int maxLive;

    VirtualSender(VirtualTime time, BiFunction<Integer, GenerateRequest, Plan> script) {
        this.time = time;
        this.script = script;
    }

    @Override
    public InFlight send(GenerateRequest request, GenerationListener listener) {
        int index = sent.size();
        Plan plan = script.apply(index, request);
        sent.add(new Sent(index, time.nanoTime(), request, plan));
        live++;
        maxLive = Math.max(maxLive, live);
        boolean[] over = {false};
        Runnable end = () -> {
            if (!over[0]) {
                over[0] = true;
                live--;
            }
        };
        if (plan.blockingNanos() > 0) {
            time.advance(plan.blockingNanos());
        }
        if (!plan.hang()) {
            schedule(request, listener, plan, over, end);
        }
        return reason -> {
            cancelled.add(index);
            end.run();
        };
    }

    private void schedule(
            GenerateRequest request, GenerationListener listener, Plan plan, boolean[] over, Runnable end) {
        int steps = request.getSteps() == 0 ? 4 : request.getSteps();
        int images = Math.max(1, request.getNumImages());
        long service = plan.serviceNanos();
        time.schedule(Math.min(1_000_000L, service), () -> {
            if (!over[0]) {
                listener.onEvent(new GenerationEvent.Queued(
                        0, request.getRequestId(), 3, false, "virtual", 64, 64, steps, images));
            }
        });
        if (plan.failure() != null) {
            time.schedule(service, () -> {
                if (!over[0]) {
                    end.run();
                    listener.onError(
                            StrobeException.of(Status.fromCode(plan.failure()).withDescription("scripted"), 1));
                }
            });
            return;
        }
        boolean previews =
                request.getPreview().getFormatValue() != dev.strobe.api.v1.PreviewFormat.PREVIEW_FORMAT_NONE_VALUE;
        if (previews) {
            for (int step = 1; step <= steps; step++) {
                int s = step;
                time.schedule(service * step / (steps + 1), () -> {
                    if (!over[0]) {
                        listener.onEvent(new GenerationEvent.Preview(
                                0, s, steps, 8, 8, ImageFormat.IMAGE_FORMAT_JPEG, ByteString.EMPTY));
                    }
                });
            }
        }
        time.schedule(service, () -> {
            if (over[0]) {
                return;
            }
            for (int i = 0; i < images; i++) {
                listener.onEvent(
                        new GenerationEvent.Image(i, i, 64, 64, ImageFormat.IMAGE_FORMAT_PNG, ByteString.EMPTY));
            }
            end.run();
            listener.onEvent(
                    new GenerationEvent.Done(new Timings(2.0, 1, 1, 1, service / 1e6, 1, 0), request.getRequestId()));
        });
    }

    List<Sent> sent() {
        return sent;
    }

    List<Integer> cancelled() {
        return cancelled;
    }

    int maxConcurrent() {
        return maxLive;
    }
}
