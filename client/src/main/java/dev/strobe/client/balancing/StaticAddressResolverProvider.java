package dev.strobe.client.balancing;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * Makes {@link StaticAddressResolver}s for the target {@code static:///servers} of one channel. It holds
 * the server list itself (IPv6 brackets and commas make poor URI paths), so it is registered in that
 * channel's own registry, never the global one. Immutable.
 */
final class StaticAddressResolverProvider extends NameResolverProvider {
    static final String SCHEME = "static";
    static final String TARGET = SCHEME + ":///servers";

    private final List<ServerAddress> servers;

    StaticAddressResolverProvider(List<ServerAddress> servers) {
        this.servers = List.copyOf(servers);
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        return SCHEME.equals(targetUri.getScheme()) ? new StaticAddressResolver(servers, args) : null;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }
}
