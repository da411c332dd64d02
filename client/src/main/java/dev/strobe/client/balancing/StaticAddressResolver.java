package dev.strobe.client.balancing;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Resolves a fixed list of servers, one address group per server, so that {@code round_robin} opens a
 * connection to each and spreads calls over those whose health service says SERVING. Host names are
 * looked up on every (re)resolution, which gRPC asks for when a connection is lost.
 *
 * <p>Threads: gRPC calls {@link #start}, {@link #refresh} and {@link #shutdown} on the channel's
 * synchronization context; look-ups run on the channel's offload executor (they may block on DNS),
 * results go back through the synchronization context.
 */
final class StaticAddressResolver extends NameResolver {
    private final List<ServerAddress> servers;
    private final Executor offload;
    private final SynchronizationContext sync;
    /** Set by start, read on the synchronization context only. */
    private Listener2 listener;
    /** Read and written on the synchronization context only. */
    private boolean resolving;

    private boolean shutdown;

    StaticAddressResolver(List<ServerAddress> servers, Args args) {
        this.servers = List.copyOf(servers);
        this.offload = args.getOffloadExecutor() != null ? args.getOffloadExecutor() : Runnable::run;
        this.sync = args.getSynchronizationContext();
    }

    @Override
    public String getServiceAuthority() {
        return servers.get(0).toString();
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        resolve();
    }

    @Override
    public void refresh() {
        resolve();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    private void resolve() {
        if (resolving || shutdown) {
            return;
        }
        resolving = true;
        offload.execute(() -> {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            List<String> unresolved = new ArrayList<>();
            for (ServerAddress server : servers) {
                InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
                if (address.isUnresolved()) {
                    unresolved.add(server.host());
                } else {
                    groups.add(new EquivalentAddressGroup(address));
                }
            }
            sync.execute(() -> {
                resolving = false;
                if (shutdown) {
                    return;
                }
                if (groups.isEmpty()) {
                    listener.onError(Status.UNAVAILABLE.withDescription(
                            "none of the servers' host names could be resolved: " + String.join(", ", unresolved)));
                } else {
                    listener.onResult(
                            ResolutionResult.newBuilder().setAddresses(groups).build());
                }
            });
        });
    }
}
