package dev.strobe.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the bearer token for a client: an explicit value first, then a token file, then the
 * {@value #ENV_VARIABLE} environment variable. Stateless; the environment is passed in so callers and
 * tests decide where it comes from.
 */
public final class Tokens {

    /** The environment variable read when no token or token file is given. */
    public static final String ENV_VARIABLE = "STROBE_TOKEN";

    private Tokens() {}

    /**
     * Resolves the token.
     *
     * @param explicit the token given directly (a {@code --token} flag), or {@code null}
     * @param file a file whose content (surrounding whitespace trimmed) is the token, or {@code null}
     * @param environment the process environment, usually {@code System.getenv()}
     * @return the token, or empty when none of the three sources has one
     * @throws ClientConfigurationException when the file cannot be read or a token is malformed
     */
    public static Optional<String> resolve(String explicit, Path file, Map<String, String> environment) {
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(requireValid(explicit.strip()));
        }
        if (file != null) {
            try {
                String content = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (content.isEmpty()) {
                    throw new ClientConfigurationException("the token file " + file + " is empty");
                }
                return Optional.of(requireValid(content));
            } catch (IOException e) {
                throw new ClientConfigurationException("cannot read the token file " + file + ": " + e.getMessage(), e);
            }
        }
        String fromEnv = environment.get(ENV_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(requireValid(fromEnv.strip()));
        }
        return Optional.empty();
    }

    /** Checks that {@code token} can travel in an HTTP/2 header: printable ASCII, no spaces. */
    static String requireValid(String token) {
        if (token == null || token.isEmpty()) {
            throw new ClientConfigurationException("the bearer token is empty");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new ClientConfigurationException(
                        "the bearer token contains a space, control or non-ASCII character at position " + i
                                + "; a token must be printable ASCII without spaces");
            }
        }
        return token;
    }
}
