package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.service.Limits;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Configured limits, not the defaults, over Netty: a 64 KiB message limit, 100-character prompts
 * and two concurrent streams per connection.
 */
class LimitsTest {
    private static final int MAX_MESSAGE = 64 * 1024;
    private static StrobeServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        ServerSettings s = ServerSettings.forModels(TestServers.modelsSubset("tiny-lightning-4step"), 0).toBuilder()
                .warmup(false)
                .limits(new Limits(100, 4, 128))
                .maxMessageBytes(MAX_MESSAGE)
                .maxStreamsPerConnection(2)
                .build();
        server = TestServers.start(null, s);
        // A small fixed window: a stream whose client reads nothing cannot be sent to its end, so it
        // stays open on the connection.
        channel = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .flowControlWindow(8 * 1024)
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    static GenerateRequest.Builder request(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setWidth(256).setHeight(256);
    }

    @Test
    void aMessageOverTheConfiguredSizeIsRefusedByTheTransport() throws Exception {
        ManualStream s = ManualStream.start(
                channel, request("p").setRequestId("x".repeat(MAX_MESSAGE)).build());
        s.readEverything();
        Status status = s.status(Duration.ofSeconds(10));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
        assertTrue(status.getDescription().contains("exceeds maximum size " + MAX_MESSAGE), status.getDescription());
    }

    @Test
    void aPromptOverTheConfiguredLengthIsInvalidAndOneAtTheLimitIsServed() throws Exception {
        ManualStream tooLong =
                ManualStream.start(channel, request("a".repeat(101)).build());
        tooLong.readEverything();
        Status status = tooLong.status(Duration.ofSeconds(10));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("101 characters; the limit is 100"), status.getDescription());
        ManualStream atLimit =
                ManualStream.start(channel, request("a".repeat(100)).build());
        List<GenerateEvent> events = atLimit.readAll(Duration.ofSeconds(30));
        assertEquals(Status.Code.OK, atLimit.status(Duration.ofSeconds(1)).getCode());
        assertTrue(events.get(events.size() - 1).hasDone());
    }

    @Test
    void aThirdStreamOnAConnectionWaitsUntilOneOfTwoEnds() throws Exception {
        long before = server.service().batcher().stats().completed();
        ManualStream first = ManualStream.start(channel, request("first").build());
        ManualStream second = ManualStream.start(channel, request("second").build());
        // Both are admitted and generated; their clients read nothing, so both stay open (the final
        // PNG does not fit into the client's window).
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.service().batcher().stats().completed() < before + 2) {
            assertTrue(System.nanoTime() < end, "the two streams were not generated");
            Thread.sleep(10);
        }
        long completed = server.service().batcher().stats().completed();
        ManualStream third = ManualStream.start(channel, request("third").build());
        third.readEverything();
        // A request on another connection, sent after the third and served to its end: had the
        // third reached the server, it would have been admitted first (same model and size, first
        // come first served) and finished no later. It did not: it waits in the client.
        ManagedChannel other = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .build();
        try {
            ManualStream fourth = ManualStream.start(other, request("fourth").build());
            List<GenerateEvent> events4 = fourth.readAll(Duration.ofSeconds(30));
            assertTrue(events4.get(events4.size() - 1).hasDone());
        } finally {
            other.shutdownNow();
        }
        assertEquals(
                completed + 1,
                server.service().batcher().stats().completed(),
                "only the fourth was generated: the third was not admitted beside the two open streams");
        // The fourth's end is counted just after its client saw it; the third would stay open.
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.streams().openStreams().count() > 2 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(2, server.streams().openStreams().count(), "open on the server: the first two only");
        assertEquals(null, third.next(Duration.ofMillis(1)), "the third stream waits in the client for a slot");
        first.cancel();
        List<GenerateEvent> events = third.readAll(Duration.ofSeconds(30));
        assertEquals(Status.Code.OK, third.status(Duration.ofSeconds(1)).getCode());
        assertTrue(events.get(events.size() - 1).hasDone());
        assertTrue(second.readAll(Duration.ofSeconds(30)).get(0).hasQueued());
    }
}
