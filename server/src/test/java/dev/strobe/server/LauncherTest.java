package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./strobe} launcher (bash) against the documented settings precedence and the build:
 * run on a copy of the script with a recording stand-in for {@code mvn} and {@code java}, so no
 * real build happens.
 */
class LauncherTest {
    @TempDir
    Path root;

    private Path install() throws IOException {
        Files.copy(Path.of("..", "strobe"), root.resolve("strobe"));
        script("fake-mvn", """
                #!/usr/bin/env bash
                echo "$*" >> "$(dirname "$0")/mvn.log"
                for m in trt-engines server client loadtest; do mkdir -p "$m/target/lib" "$m/target/classes"; done
                """);
        script("fake-java", """
                #!/usr/bin/env bash
                printf '%s\\n' "$@" > "$(dirname "$0")/java.args"
                """);
        return root.resolve("strobe");
    }

    private void script(String name, String body) throws IOException {
        Path p = root.resolve(name);
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private int run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of("bash", root.resolve("strobe").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("out.log").toFile());
        pb.environment().remove("STROBE_MODELS");
        pb.environment().remove("STROBE_MAVEN_PROFILES");
        pb.environment().put("STROBE_MVN", root.resolve("fake-mvn").toString());
        pb.environment().put("JAVA", root.resolve("fake-java").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher hung");
        return p.exitValue();
    }

    private List<String> javaArgs() throws IOException {
        return Files.readAllLines(root.resolve("java.args"));
    }

    private List<String> mvnCalls() throws IOException {
        Path log = root.resolve("mvn.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void serveLeavesModelsToFlagEnvironmentAndConfigFileAndOnlyReplacesTheBuiltInDefault() throws Exception {
        install();
        assertEquals(0, run(Map.of(), "serve", "--config", "strobe.properties"));
        List<String> args = javaArgs();
        assertFalse(args.contains("--models"), "the launcher must not inject a flag that beats --config: " + args);
        assertTrue(args.contains("-Dstrobe.default.models=" + root.resolve("models")), args.toString());
        assertEquals(
                List.of("dev.strobe.server.Main", "serve", "--config", "strobe.properties"),
                args.subList(args.size() - 4, args.size()));
    }

    @Test
    void theLauncherDefaultRanksBelowTheConfigFileAndTheEnvironment() throws IOException {
        Map<String, String> launcher = Map.of("models", "/repo/models");
        Properties file = new Properties();
        assertEquals(Path.of("/repo/models"), parse(Map.of(), file, launcher).modelsDir());
        file.setProperty("models", "/srv/models");
        assertEquals(Path.of("/srv/models"), parse(Map.of(), file, launcher).modelsDir(), "the config file wins");
        assertEquals(
                Path.of("/env/models"),
                parse(Map.of("STROBE_MODELS", "/env/models"), file, launcher).modelsDir());
        Properties sys = new Properties();
        sys.setProperty("strobe.default.models", "/repo/models");
        sys.setProperty("user.home", "/root");
        assertEquals(launcher, SettingsDefaults.launcherDefaults(sys));
    }

    private static ServerSettings parse(Map<String, String> env, Properties file, Map<String, String> launcher)
            throws IOException {
        ServeCommand command = new ServeCommand();
        picocli.CommandLine cli = new picocli.CommandLine(command);
        cli.setDefaultValueProvider(new SettingsDefaults(env, file, launcher));
        cli.parseArgs();
        return command.settings();
    }

    @Test
    void theBuildRemembersItsProfilesAndCleansTheCopiedJars() throws Exception {
        install();
        assertEquals(0, run(Map.of(), "build", "-Ponnxruntime_gpu,tensorrt-redist"));
        assertEquals(List.of("-B -q -DskipTests -Ponnxruntime_gpu,tensorrt-redist package"), mvnCalls());
        Path stale = root.resolve("server/target/lib/onnxruntime-1.23.2.jar");
        Files.writeString(stale, "stale");
        // a source newer than the last build: the automatic rebuild keeps the profiles
        Files.createDirectories(root.resolve("server/src/main"));
        Files.setLastModifiedTime(
                root.resolve("target/.strobe-build-stamp"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.writeString(root.resolve("server/src/main/X.java"), "class X {}");
        assertEquals(0, run(Map.of(), "serve"));
        assertEquals(
                "-B -q -DskipTests -Ponnxruntime_gpu,tensorrt-redist package",
                mvnCalls().get(1));
        assertFalse(Files.exists(stale), "jars of an earlier build are removed before copying");
        // nothing changed: no rebuild
        assertEquals(0, run(Map.of(), "serve"));
        assertEquals(2, mvnCalls().size(), mvnCalls().toString());
        // other profiles asked for: rebuild with them
        assertEquals(0, run(Map.of("STROBE_MAVEN_PROFILES", ""), "serve"));
        assertEquals("-B -q -DskipTests package", mvnCalls().get(2));
    }

    @Test
    void aBadBuildArgumentIsOneLineAndExitTwo() throws Exception {
        install();
        assertEquals(2, run(Map.of(), "build", "--fast"));
        assertTrue(Files.readString(root.resolve("out.log")).contains("build takes -P p1,p2 or --profiles p1,p2"));
        assertTrue(mvnCalls().isEmpty());
    }
}
