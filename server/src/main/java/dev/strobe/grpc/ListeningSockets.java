package dev.strobe.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The listening sockets and event loops of strobe's Netty server, owned by strobe so that a drain can
 * close the listening socket alone: new connections are refused at once (a proxy such as nginx then
 * tries another replica, and a client's balancer marks the address down), while the connections
 * already open keep their calls, health answers and watchers until the end of the drain. gRPC's own
 * {@code Server.shutdown()} does both at once, which is why this exists.
 *
 * <p>Netty requires the boss group, the worker group and the channel type together, so they are
 * made here and shut down in {@link #close}. Threads: {@link #closeListeners} and {@link #close} may
 * be called from any thread; Netty creates the channels on its boss thread.
 */
public final class ListeningSockets implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("strobe-grpc-boss", true));
    private final EventLoopGroup workers =
            new NioEventLoopGroup(0, new DefaultThreadFactory("strobe-grpc-worker", true));
    private final List<ServerChannel> listeners = new CopyOnWriteArrayList<>();

    /** Makes {@code builder} use these event loops and record every listening socket it opens. */
    NettyServerBuilder applyTo(NettyServerBuilder builder) {
        return builder.bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelFactory(() -> {
            NioServerSocketChannel channel = new NioServerSocketChannel();
            listeners.add(channel);
            return channel;
        });
    }

    /** Closes the listening sockets and waits until they are closed; open connections go on. */
    void closeListeners() {
        for (ServerChannel channel : listeners) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Shuts the event loops down; call after the gRPC server terminated. */
    @Override
    public void close() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
