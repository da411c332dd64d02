package dev.strobe.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.strobe.tiny.TinyModelSet;
import dev.strobe.tiny.TinyModelSpec;
import dev.strobe.tiny.TinyOptimumExport;
import dev.strobe.tiny.TinyOptimumExport.Options;
import dev.strobe.tiny.TinyOptimumExport.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the readers of optimum's JSON files behind {@code strobe import-optimum}: one of the
 * export's configuration files (chosen by the input) gets any content; the import then either
 * writes a manifest or refuses with one line, an {@link OptimumImportException} or an
 * IOException; nothing else is thrown.
 */
class OptimumConfigFuzzTest {
    private static final List<String> CONFIGS = List.of(
            OptimumFolder.MODEL_INDEX,
            OptimumFolder.SCHEDULER_CONFIG,
            OptimumFolder.VAE_DECODER_CONFIG,
            "tokenizer/tokenizer_config.json",
            "tokenizer_2/tokenizer_config.json");

    private static Path export;

    private static synchronized Path export() {
        if (export == null) {
            try {
                Path dir = Files.createTempDirectory("optimum-fuzz");
                TinyOptimumExport.forSeed(TinyModelSet.DEFAULT_SEED)
                        .write(dir, Options.optimum(TinyModelSpec.lightning(4), Precision.FP32));
                export = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return export;
    }

    @FuzzTest(maxDuration = "30s")
    void anyConfigFileIsImportedOrRefusedInOneLine(FuzzedDataProvider data) throws IOException {
        Path dir = export();
        Path file = dir.resolve(CONFIGS.get(data.consumeInt(0, CONFIGS.size() - 1)));
        byte[] original = Files.exists(file) ? Files.readAllBytes(file) : null;
        Files.write(file, data.consumeRemainingAsBytes());
        try {
            new OptimumImport().importFolder(dir, OptimumImport.Options.sdxl("fuzz", 4), true);
        } catch (OptimumImportException | IOException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        } finally {
            if (original == null) {
                Files.delete(file);
            } else {
                Files.write(file, original);
            }
        }
    }
}
