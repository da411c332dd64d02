package dev.strobe.service.auth;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens the server accepts, each optionally limited to some models. Loaded from a file
 * (one token per line: {@code TOKEN} or {@code TOKEN models=a,b}; blank lines and # comments are
 * skipped) or from a comma-separated list (the STROBE_AUTH_TOKENS variable). Both frontends check
 * the same {@code Authorization: Bearer <token>} header against it ({@link #authenticate}).
 * Immutable; any thread.
 */
public final class AuthTokens {
    /** A known token and the models it may use (empty = all). */
    public record Grant(byte[] token, Set<String> models) {
        public boolean allows(String model) {
            return models.isEmpty() || models.contains(model);
        }

        /**
         * @throws StrobeException PERMISSION_DENIED when this token may not use the model
         */
        public void checkModel(String model) {
            if (!allows(model)) {
                throw new StrobeException(
                        ErrorKind.PERMISSION_DENIED,
                        "this token may not use model '" + model + "'; it may use "
                                + String.join(", ", models.stream().sorted().toList()));
            }
        }
    }

    /** The scheme prefix of an Authorization header value, compared without case. */
    private static final String BEARER = "Bearer ";

    private final List<Grant> grants;

    private AuthTokens(List<Grant> grants) {
        if (grants.isEmpty()) {
            throw new IllegalArgumentException("no tokens given: authentication would refuse every call");
        }
        this.grants = List.copyOf(grants);
    }

    public static AuthTokens fromFile(Path file) throws IOException {
        List<Grant> grants = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            Set<String> models = Set.of();
            if (parts.length == 2 && parts[1].startsWith("models=")) {
                models = Set.of(parts[1].substring("models=".length()).split(","));
            } else if (parts.length != 1) {
                throw new IOException(file + " line " + n + ": expected 'TOKEN' or 'TOKEN models=a,b'");
            }
            grants.add(new Grant(parts[0].getBytes(StandardCharsets.UTF_8), models));
        }
        return new AuthTokens(grants);
    }

    public static AuthTokens fromList(String commaSeparated) {
        List<Grant> grants = new ArrayList<>();
        for (String t : commaSeparated.split(",")) {
            if (!t.isBlank()) {
                grants.add(new Grant(t.strip().getBytes(StandardCharsets.UTF_8), Set.of()));
            }
        }
        return new AuthTokens(grants);
    }

    /**
     * The grant of an {@code Authorization} header value ({@code Bearer <token>}).
     *
     * @param header the header value, null when the request had none
     * @throws StrobeException UNAUTHENTICATED, saying what to send
     */
    public Grant authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new StrobeException(
                    ErrorKind.UNAUTHENTICATED,
                    "this server needs a bearer token: send the header 'authorization: Bearer <token>'");
        }
        return find(header.substring(BEARER.length()).strip())
                .orElseThrow(() -> new StrobeException(
                        ErrorKind.UNAUTHENTICATED, "the bearer token is not valid for this server"));
    }

    /** The grant of a presented token, compared in constant time; empty when unknown. */
    public Optional<Grant> find(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        Grant found = null;
        for (Grant g : grants) {
            if (MessageDigest.isEqual(g.token(), p)) {
                found = g;
            }
        }
        return Optional.ofNullable(found);
    }
}
