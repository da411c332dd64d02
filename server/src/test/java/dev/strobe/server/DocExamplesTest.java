package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.build.BuildEngineMain;
import dev.strobe.engine.build.BuildRequest;
import dev.strobe.engine.build.EngineMetadata;
import dev.strobe.engine.build.Precision;
import dev.strobe.engine.build.TrtexecCommand;
import dev.strobe.engine.onnx.ExecutionProviderConfig;
import dev.strobe.engine.tensorrt.MissingLibraries;
import dev.strobe.engine.tensorrt.ShapeRange;
import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TensorRtOptions;
import dev.strobe.model.EngineFiles;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.ModelRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The docs' examples are files that load: every json and properties block in the Markdown docs is
 * a copy of a file under docs/examples (marked {@code <!-- example: docs/examples/NAME -->} above
 * it), and each of those files is loaded and validated here as the server would read it. The
 * build-engine command and the error line the TensorRT README quotes are produced by the code.
 */
class DocExamplesTest {
    private static final Path ROOT = Path.of("..");
    private static final Path EXAMPLES = ROOT.resolve("docs/examples");
    private static final Pattern BLOCK =
            Pattern.compile("(<!-- example: (\\S+) -->\\s*\\n)?```(json|properties)\\n(.*?)```", Pattern.DOTALL);

    private static List<Path> docs() throws IOException {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("trt-engines/README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    @Test
    void everyJsonAndPropertiesBlockInTheDocsIsAnExampleFileVerbatim() throws IOException {
        int blocks = 0;
        for (Path doc : docs()) {
            Matcher m = BLOCK.matcher(Files.readString(doc));
            while (m.find()) {
                blocks++;
                assertNotNull(
                        m.group(2),
                        doc + ": a " + m.group(3) + " block without an <!-- example: docs/examples/... -->"
                                + " marker; keep it as a file there so a test loads it:\n" + m.group(4));
                Path file = ROOT.resolve(m.group(2));
                assertTrue(Files.isRegularFile(file), doc + " quotes " + file + ", which does not exist");
                assertEquals(Files.readString(file), m.group(4), doc + ": the block differs from " + file);
            }
        }
        assertTrue(blocks >= 4, "the docs quote the examples: found " + blocks);
    }

    @Test
    void everyModelJsonExampleValidatesAndGivesEachEngineItsOwnFileAndOptions() throws IOException {
        List<Path> manifests;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            manifests = s.filter(p -> p.getFileName().toString().startsWith("model-"))
                    .sorted()
                    .toList();
        }
        assertTrue(manifests.size() >= 2, manifests.toString());
        for (Path f : manifests) {
            ModelManifest m = ModelManifest.read(f);
            assertEquals(List.of(), m.validate(), f.toString());
            ModelRepository.Entry entry = new ModelRepository.Entry(Path.of("/models", m.name), m);
            for (Map.Entry<String, ModelManifest.ComponentSpec> c : m.components.entrySet()) {
                ModelManifest.ComponentSpec spec = c.getValue();
                // refuses an ONNX file for tensorrt or a plan for onnxruntime, as at load time
                EngineFiles.choose(entry, m.name, c.getKey(), spec, spec.engine);
                if ("tensorrt".equals(spec.engine)) {
                    TensorRtOptions.parse(spec.options);
                } else {
                    assertEquals("onnxruntime", spec.engine, f + " " + c.getKey());
                    ExecutionProviderConfig.from(spec.options);
                }
            }
        }
    }

    @Test
    void theEngineJsonExampleReadsBackAndItsTrtexecLineIsWhatBuildEngineWrites() throws IOException {
        EngineMetadata m = EngineMetadata.read(EXAMPLES.resolve("engine.json"));
        assertEquals(EngineMetadata.FORMAT, m.format);
        assertTrue(m.tensorrtVersion.startsWith("10."));
        List<Map<String, ShapeRange>> profiles = new ArrayList<>();
        for (Map<String, EngineMetadata.Range> p : m.profiles) {
            Map<String, ShapeRange> r = new LinkedHashMap<>();
            p.forEach((name, range) -> r.put(name, new ShapeRange(range.min, range.opt, range.max)));
            profiles.add(r);
        }
        Path onnx = Path.of(m.onnxFile);
        BuildRequest req = new BuildRequest(
                onnx,
                onnx.resolveSibling(m.planFile),
                profiles,
                Precision.FP16,
                OptionalInt.of(m.builderOptimizationLevel),
                OptionalInt.empty(),
                Optional.of(Path.of(m.timingCache)),
                0);
        assertEquals(TrtexecCommand.line(req), m.trtexec);
    }

    @Test
    void theConfigFileExampleHasOnlyServeOptionsOfTheRightTypes() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(EXAMPLES.resolve("strobe.properties"))) {
            p.load(r);
        }
        ServeCommand command = new ServeCommand();
        CommandLine cli = new CommandLine(command);
        Set<String> options = cli.getCommandSpec().options().stream()
                .map(o -> o.longestName().replaceFirst("^--", ""))
                .collect(Collectors.toSet());
        for (String key : p.stringPropertyNames()) {
            assertTrue(options.contains(key), "strobe.properties: '" + key + "' is not a serve option");
        }
        cli.setDefaultValueProvider(new SettingsDefaults(Map.of(), p));
        cli.parseArgs(); // converts every value (ints, durations, paths)
        assertEquals(Path.of("/srv/strobe/models"), command.models);
        assertEquals(8, command.maxBatch);
    }

    @Test
    void theBuildEngineCommandOfTheReadmePrintsTheTrtexecLineItQuotes() throws IOException {
        String readme = Files.readString(ROOT.resolve("trt-engines/README.md"));
        StringWriter out = new StringWriter();
        CommandLine cl = BuildEngineMain.commandLine(new BuildEngineMain(
                new TensorRtAvailability(() -> {}),
                r -> {
                    throw new AssertionError("print-only never builds");
                },
                Clock.systemUTC()));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        cl.execute(
                "--onnx",
                "/models/sdxl-lightning-4step/unet/model.onnx",
                "--batch",
                "1:4:8",
                "--size",
                "512:1024:1536",
                "--fp16",
                "--timing-cache",
                "/models/sdxl-lightning-4step/unet/timing.cache",
                "--print-only");
        String line = out.toString()
                .lines()
                .filter(l -> l.startsWith("  trtexec "))
                .findFirst()
                .orElseThrow();
        assertTrue(
                readme.contains("--batch 1:4:8 --size 512:1024:1536 --fp16 \\\n    --timing-cache"
                        + " /models/sdxl-lightning-4step/unet/timing.cache"),
                "the README's build-engine command changed");
        assertTrue(readme.contains(line + "\n"), "the README must quote what build-engine prints: " + line);
    }

    @Test
    void theMissingDriverLineOfTheReadmeIsWhatTheCodePrints() throws IOException {
        String readme = Files.readString(ROOT.resolve("trt-engines/README.md"));
        String line = MissingLibraries.describe(new UnsatisfiedLinkError(
                "/root/.javacpp/cache/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file"));
        assertFalse(line.contains("\n"));
        assertTrue(readme.contains(line), "trt-engines/README.md must quote: " + line);
    }
}
