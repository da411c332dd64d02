package dev.strobe.client;

import dev.strobe.client.testing.FakeImageGenerator;
import dev.strobe.client.testing.HeaderCapture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

/** The client contract over the in-process transport. */
class InProcessStrobeClientTest extends StrobeClientContractTest {

    @Override
    StrobeClient.Builder startServer(FakeImageGenerator fake, HeaderCapture headers) throws Exception {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(fake, headers))
                .build()
                .start();
        closeLater(() -> server.shutdownNow().awaitTermination());
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        closeLater(() -> channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS));
        return StrobeClient.builder().channel(channel);
    }
}
