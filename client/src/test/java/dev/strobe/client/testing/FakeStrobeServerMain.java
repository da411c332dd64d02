package dev.strobe.client.testing;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake strobe server for trying the Python and Node clients without the real one:
 * {@code FakeStrobeServerMain [PORT] [PORT_FILE]} listens on 127.0.0.1:PORT (0 picks a free port),
 * prints the port and writes it to PORT_FILE. Every Generate call streams queued, a preview per step,
 * small real PNG images and done. Runs until killed. Used by {@code client/test-clients.sh --fake}.
 */
public final class FakeStrobeServerMain {

    private FakeStrobeServerMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Server server = NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create())
                .addService(new FakeImageGenerator())
                .build()
                .start();
        String actual = Integer.toString(server.getPort());
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), actual + "\n", StandardCharsets.UTF_8);
        }
        System.out.println("fake strobe server listening on port " + actual);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
    }
}
