package dev.strobe.client.cli;

import dev.strobe.client.StrobeClient;
import dev.strobe.client.TlsOptions;
import dev.strobe.client.Tokens;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The connection options shared by the strobe command-line tools (a picocli mixin): server target,
 * TLS files and bearer token. Used by generate, models and the load driver. Filled by picocli, read
 * once on the main thread.
 */
public final class ConnectionOptions {

    /** The server address used when {@code --target} is not given. */
    public static final String DEFAULT_TARGET = "localhost:50051";

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            defaultValue = DEFAULT_TARGET,
            description = {
                "Server address (default: ${DEFAULT-VALUE}). Several replicas: HOST:PORT,HOST:PORT,..."
                        + " or dns:///NAME:PORT; calls are spread round-robin over the replicas whose health says SERVING."
            })
    String target;

    /** The server address given (or the default), as typed: one target or a comma-separated list. */
    public String target() {
        return target;
    }

    @Option(names = "--tls", description = "Connect with TLS (implied by --ca, --cert and --key).")
    boolean tls;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description = "PEM file of the certificate authorities to trust (default: the JVM's roots).")
    Path caFile;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM client certificate for mutual TLS.")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --cert.")
    Path keyFile;

    @Option(
            names = "--authority",
            paramLabel = "NAME",
            description = "Host name to verify the server certificate against (test certificates).")
    String authority;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Bearer token sent as 'authorization: Bearer TOKEN'.")
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "File holding the bearer token. Without --token and --token-file, $STROBE_TOKEN is used.")
    Path tokenFile;

    /**
     * A client builder with the target, TLS and token applied (deadline and retries are the caller's).
     *
     * @throws dev.strobe.client.ClientConfigurationException when files are missing or options conflict
     */
    public StrobeClient.Builder toBuilder(Map<String, String> environment) {
        StrobeClient.Builder builder = StrobeClient.builder().target(target);
        if (tls || caFile != null || certFile != null || keyFile != null) {
            builder.tls(new TlsOptions(caFile, certFile, keyFile, authority));
        }
        Tokens.resolve(token, tokenFile, environment).ifPresent(builder::bearerToken);
        return builder;
    }
}
