package dev.strobe.client;

/**
 * The client was configured with values it cannot use (a missing CA file, a certificate without its
 * key, an empty target, ...). The message says what to change. Thrown by {@link StrobeClient.Builder}
 * and the token and TLS helpers, on the caller's thread, before any network traffic.
 */
public final class ClientConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ClientConfigurationException(String message) {
        super(message);
    }

    public ClientConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
