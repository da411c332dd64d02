package dev.strobe.client.balancing;

import dev.strobe.client.ClientConfigurationException;
import io.grpc.NameResolverRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a client reaches its servers, parsed from what a user gives as the target:
 *
 * <ul>
 *   <li>{@code host:port} (or any other single gRPC target URI): one server, gRPC's default
 *       {@code pick_first};
 *   <li>{@code host:port,host:port,...}: several replicas, resolved by {@link StaticAddressResolver};
 *   <li>{@code dns:///name:port}: every address the name resolves to (e.g. a Kubernetes headless
 *       Service).
 * </ul>
 *
 * <p>With several replicas or a {@code dns:} name, calls are spread by gRPC's {@code round_robin} over
 * the replicas whose health service {@value #HEALTH_SERVICE} says SERVING (client-side health
 * checking, from grpc-services): a replica that is loading, warming up or draining gets no new call.
 * Immutable.
 *
 * @param target the gRPC target string for the channel builder
 * @param registry the name resolvers of the channel, null for gRPC's default ones
 * @param balanced true when the channel spreads calls over several replicas with health checks
 */
public record ChannelTarget(String target, NameResolverRegistry registry, boolean balanced) {

    /** The health service name the server reports per service, tied to model load, warm-up and drain. */
    public static final String HEALTH_SERVICE = "strobe.v1.ImageGenerator";

    /**
     * Parses a target as described above.
     *
     * @throws ClientConfigurationException when it is empty or a list mixes in something that is no
     *     {@code host:port}
     */
    public static ChannelTarget parse(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text == null ? new String[0] : text.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        if (parts.isEmpty()) {
            throw new ClientConfigurationException("the server target is missing; give it as host:port,"
                    + " host:port,host:port for several replicas, or dns:///name:port");
        }
        if (parts.size() == 1) {
            String only = parts.get(0);
            return new ChannelTarget(only, null, only.toLowerCase(Locale.ROOT).startsWith("dns:"));
        }
        List<ServerAddress> servers = new ArrayList<>();
        for (String part : parts) {
            if (part.contains("://") || part.toLowerCase(Locale.ROOT).startsWith("dns:")) {
                throw new ClientConfigurationException("'" + part + "' in a list of servers: a list holds host:port"
                        + " entries only; a dns:/// name already stands for all of its addresses, give it alone");
            }
            servers.add(ServerAddress.parse(part));
        }
        NameResolverRegistry registry = new NameResolverRegistry();
        registry.register(new StaticAddressResolverProvider(servers));
        return new ChannelTarget(StaticAddressResolverProvider.TARGET, registry, true);
    }

    /**
     * The default service config of a balanced channel: {@code round_robin} with client-side health
     * checking of {@value #HEALTH_SERVICE}; null for a single server.
     */
    public Map<String, Object> serviceConfig() {
        if (!balanced) {
            return null;
        }
        return Map.of(
                "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
                "healthCheckConfig", Map.of("serviceName", HEALTH_SERVICE));
    }
}
