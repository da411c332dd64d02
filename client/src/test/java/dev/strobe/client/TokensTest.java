package dev.strobe.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = Map.of(Tokens.ENV_VARIABLE, "from-env");

    @Test
    void anExplicitTokenWinsOverFileAndEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        assertEquals(Optional.of("explicit"), Tokens.resolve("explicit", file, env));
    }

    @Test
    void aTokenFileWinsOverTheEnvironmentAndIsTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  from-file\n\n");
        assertEquals(Optional.of("from-file"), Tokens.resolve(null, file, env));
    }

    @Test
    void theEnvironmentIsTheLastResort() {
        assertEquals(Optional.of("from-env"), Tokens.resolve(null, null, env));
        assertEquals(Optional.empty(), Tokens.resolve(null, null, Map.of()));
        assertEquals(Optional.empty(), Tokens.resolve("  ", null, Map.of(Tokens.ENV_VARIABLE, "")));
    }

    @Test
    void aMissingOrEmptyTokenFileIsAConfigurationError() throws Exception {
        ClientConfigurationException missing = assertThrows(
                ClientConfigurationException.class, () -> Tokens.resolve(null, dir.resolve("absent"), env));
        assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(ClientConfigurationException.class, () -> Tokens.resolve(null, empty, env));
    }

    @Test
    void tokensThatCannotBeAHeaderValueAreRefused() {
        ClientConfigurationException e =
                assertThrows(ClientConfigurationException.class, () -> Tokens.resolve("two words", null, Map.of()));
        assertTrue(e.getMessage().contains("position 3"), e.getMessage());
        assertThrows(ClientConfigurationException.class, () -> Tokens.resolve("caf\u00e9", null, Map.of()));
    }
}
