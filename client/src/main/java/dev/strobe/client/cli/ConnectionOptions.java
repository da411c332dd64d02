package dev.strobe.client.cli;

import dev.strobe.client.StrobeClient;
import dev.strobe.client.TlsOptions;
import dev.strobe.client.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The connection options shared by the strobe command-line tools (a picocli mixin): server target,
 * TLS files, bearer token and deadline. Filled by picocli, read once on the main thread.
 */
public final class ConnectionOptions {

  /** The server address used when {@code --target} is not given. */
  public static final String DEFAULT_TARGET = "localhost:50051";

  @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = DEFAULT_TARGET,
      description = "Server address (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--tls", description = "Connect with TLS (implied by --ca, --cert and --key).")
  boolean tls;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "PEM file of the certificate authorities to trust (default: the JVM's roots).")
  Path caFile;

  @Option(names = "--cert", paramLabel = "FILE", description = "PEM client certificate for mutual TLS.")
  Path certFile;

  @Option(names = "--key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --cert.")
  Path keyFile;

  @Option(names = "--authority", paramLabel = "NAME",
      description = "Host name to verify the server certificate against (test certificates).")
  String authority;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Bearer token sent as 'authorization: Bearer TOKEN'.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the bearer token. Without --token and --token-file, $STROBE_TOKEN is used.")
  Path tokenFile;

  @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Time allowed for the whole call including retries, e.g. 500ms, 60s, 2m; 0 for none (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
      description = "Retries on UNAVAILABLE or RESOURCE_EXHAUSTED before the first event (default: ${DEFAULT-VALUE}).")
  int retries;

  /**
   * A client builder with these options applied.
   *
   * @throws dev.strobe.client.ClientConfigurationException when files are missing or options conflict
   */
  StrobeClient.Builder toBuilder(Map<String, String> environment) {
    if (retries < 0) {
      throw new dev.strobe.client.ClientConfigurationException("--retries must be 0 or more, got " + retries);
    }
    StrobeClient.Builder builder = StrobeClient.builder()
        .target(target)
        .defaultDeadline(deadline.isZero() ? null : deadline)
        .retryPolicy(dev.strobe.client.RetryPolicy.withAttempts(retries + 1));
    if (tls || caFile != null || certFile != null || keyFile != null) {
      builder.tls(new TlsOptions(caFile, certFile, keyFile, authority));
    }
    Tokens.resolve(token, tokenFile, environment).ifPresent(builder::bearerToken);
    return builder;
  }
}
