package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.scheduler.BatcherConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Where each setting comes from: flag, then STROBE_* environment, then config file, then built-in. */
class ServeCommandSettingsTest {
    @TempDir
    Path dir;

    static ServerSettings parse(Map<String, String> env, Properties file, String... args) throws IOException {
        ServeCommand command = new ServeCommand();
        CommandLine cli = new CommandLine(command);
        cli.setDefaultValueProvider(new SettingsDefaults(env, file));
        cli.parseArgs(args);
        return command.settings();
    }

    static Properties file(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    static int maxBatch(ServerSettings s) {
        return s.batcher().denoise().maxBatch();
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheBuiltInDefault() throws IOException {
        assertEquals(8, maxBatch(parse(Map.of(), new Properties())));
        assertEquals(7, maxBatch(parse(Map.of(), file("max-batch", "7"))));
        assertEquals(5, maxBatch(parse(Map.of("STROBE_MAX_BATCH", "5"), file("max-batch", "7"))));
        assertEquals(3, maxBatch(parse(Map.of("STROBE_MAX_BATCH", "5"), file("max-batch", "7"), "--max-batch", "3")));
    }

    @Test
    void theDecodeYieldThresholdDefaultsToTheSchedulersAndTheFlagReachesTheBatcher() throws IOException {
        assertEquals(
                BatcherConfig.DEFAULT_DECODE_YIELD_MIN,
                parse(Map.of(), new Properties()).batcher().decodeYieldMin());
        assertEquals(
                Duration.ZERO,
                parse(Map.of(), new Properties(), "--decode-yield-min", "0ms")
                        .batcher()
                        .decodeYieldMin());
    }

    @Test
    void everyKindOfValueComesFromEachSource() throws IOException {
        ServerSettings s = parse(
                Map.of(
                        "STROBE_DRAIN_TIMEOUT",
                        "45s",
                        "STROBE_WARMUP",
                        "false",
                        "STROBE_MAX_PROMPT_CHARS",
                        "500",
                        "STROBE_AUTH_TOKENS",
                        "tok-a, tok-b"),
                file(
                        "keepalive-time",
                        "PT1M",
                        "max-message-bytes",
                        "65536",
                        "deadline-estimate-factor",
                        "1.5",
                        "max-streams-per-connection",
                        "7"),
                "--port",
                "6000");
        assertEquals(Duration.ofSeconds(45), s.drainTimeout());
        assertFalse(s.warmup());
        assertEquals(500, s.limits().maxPromptChars());
        assertTrue(s.edge().tokens().find("tok-b").isPresent());
        assertEquals(Duration.ofMinutes(1), s.edge().keepAliveTime());
        assertEquals(65536, s.edge().maxInboundMessageBytes());
        assertEquals(7, s.edge().maxConcurrentStreamsPerConnection());
        assertEquals(1.5, s.deadlineEstimateFactor());
        assertEquals(6000, s.edge().port());
        assertTrue(parse(Map.of("STROBE_WARMUP", "false"), new Properties(), "--warmup")
                .warmup());
    }

    @Test
    void theBuiltInDefaultsAreTheDocumentedOnes() throws IOException {
        ServerSettings s = parse(Map.of(), new Properties());
        assertEquals(50051, s.edge().port());
        assertEquals(4 << 20, s.edge().maxInboundMessageBytes());
        assertEquals(10_000, s.limits().maxPromptChars());
        assertEquals(100, s.edge().maxConcurrentStreamsPerConnection());
        assertEquals(Duration.ofMinutes(2), s.edge().keepAliveTime());
        assertEquals(Duration.ofSeconds(20), s.edge().permitKeepAliveTime());
        assertEquals(Duration.ofSeconds(30), s.drainTimeout());
        assertEquals(1.0, s.deadlineEstimateFactor());
        assertEquals(-1, s.metricsPort());
        assertNull(s.edge().tokens());
        assertNull(s.edge().tlsCert());
        assertTrue(s.warmup());
    }

    @Test
    void inconsistentSecuritySettingsAreRefusedWithASentence() throws IOException {
        Path tokens = Files.writeString(dir.resolve("tokens"), "t1\n");
        IllegalArgumentException both = assertThrows(
                IllegalArgumentException.class,
                () -> parse(
                        Map.of("STROBE_AUTH_TOKENS", "t2"), new Properties(), "--auth-tokens-file", tokens.toString()));
        assertTrue(both.getMessage().contains("use one of them"), both.getMessage());
        IllegalArgumentException certOnly = assertThrows(
                IllegalArgumentException.class, () -> parse(Map.of(), new Properties(), "--tls-cert", "server.crt"));
        assertTrue(certOnly.getMessage().contains("--tls-cert and --tls-key go together"), certOnly.getMessage());
        IllegalArgumentException caOnly = assertThrows(
                IllegalArgumentException.class, () -> parse(Map.of(), new Properties(), "--tls-client-ca", "ca.crt"));
        assertTrue(caOnly.getMessage().contains("needs --tls-cert"), caOnly.getMessage());
        assertEquals(
                "t1",
                new String(
                        parse(Map.of(), new Properties(), "--auth-tokens-file", tokens.toString())
                                .edge()
                                .tokens()
                                .find("t1")
                                .orElseThrow()
                                .token(),
                        java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void outOfRangeLimitsAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> parse(Map.of(), new Properties(), "--deadline-estimate-factor", "-1"));
        assertThrows(
                IllegalArgumentException.class, () -> parse(Map.of(), new Properties(), "--max-message-bytes", "0"));
        assertThrows(
                IllegalArgumentException.class,
                () -> parse(Map.of(), new Properties(), "--max-streams-per-connection", "0"));
        assertThrows(
                CommandLine.ParameterException.class,
                () -> parse(Map.of(), new Properties(), "--drain-timeout", "soon"));
    }

    @Test
    void theConfigFileIsFoundBeforeParsing() {
        assertEquals(
                Path.of("/etc/strobe.properties"),
                Main.configPath(new String[] {"serve", "--config", "/etc/strobe.properties"}));
        assertEquals(Path.of("a.properties"), Main.configPath(new String[] {"serve", "--config=a.properties"}));
    }

    @Test
    void everyOptionIsDocumentedWithItsEnvironmentVariable() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"));
        for (OptionSpec o : new CommandLine(new ServeCommand()).getCommandSpec().options()) {
            String name = o.longestName();
            if (name.equals("--help") || name.equals("--version")) {
                continue;
            }
            assertTrue(doc.contains("`" + name + "`"), name + " is not in docs/CONFIGURATION.md");
            if (!name.equals("--config")) {
                assertTrue(
                        doc.contains("`" + SettingsDefaults.envName(name) + "`"),
                        SettingsDefaults.envName(name) + " is not in docs/CONFIGURATION.md");
            }
        }
    }
}
