package dev.strobe.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the model manifest reader with any file content: reading and validating either gives a
 * manifest (and a list of problems, each one line) or an IOException whose message is one line
 * naming the file; nothing else is thrown.
 */
class ManifestFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void aCorruptManifestGivesAOneLineError(byte[] content) throws IOException {
        Path file = Files.createTempFile("model", ".json");
        try {
            Files.write(file, content);
            ModelManifest m;
            try {
                m = ModelManifest.read(file);
            } catch (IOException e) {
                assertNotNull(e.getMessage());
                assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
                assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
                return;
            }
            for (String problem : m.validate()) {
                assertFalse(problem.contains("\n"), "one line: " + problem);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
