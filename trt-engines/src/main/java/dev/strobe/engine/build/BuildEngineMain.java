package dev.strobe.engine.build;

import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TrtNativeException;
import dev.strobe.engine.tensorrt.javacpp.JavaCppTensorRt;
import dev.strobe.sdxl.SdxlTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code build-engine}: builds a TensorRT 10 engine plan with dynamic shapes from an ONNX export
 * (normally the SDXL-Lightning UNet) and writes {@code engine.json} beside it. It always prints
 * the equivalent trtexec command first, so the same plan can be built with NVIDIA's tool when the
 * Java route cannot load TensorRT.
 *
 * <pre>
 * build-engine --onnx unet/model.onnx --batch 1:4:8 --size 512:1024:1536 --fp16
 * build-engine --onnx unet/model.onnx --profile batch=1:1:2,size=512:768:1024 --profile batch=2:8:8,size=1024
 * </pre>
 *
 * <p>Exit codes: 0 built (or --print-only), 1 TensorRT failed, 2 bad arguments or ONNX,
 * 3 TensorRT or CUDA not installed.
 */
@Command(
        name = "build-engine",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Builds a TensorRT engine plan with dynamic shapes from an ONNX model and writes engine.json beside it.")
public final class BuildEngineMain implements Callable<Integer> {
    static final int OK = 0;
    static final int BUILD_FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int MISSING_LIBRARY = 3;

    @Option(
            names = "--onnx",
            required = true,
            description = "The ONNX model, e.g. unet/model.onnx (external data beside it).")
    Path onnx;

    @Option(names = "--out", description = "The plan to write (default: engine.plan beside the ONNX).")
    Path out;

    @Option(names = "--batch", description = "Batch range min:opt:max, e.g. 1:4:8.")
    String batch;

    @Option(
            names = "--size",
            description = "Square image size range in pixels min:opt:max, e.g. 512:1024:1536"
                    + " (not needed for the text encoders).")
    String size;

    @Option(names = "--height", description = "Image height range in pixels (with --width, instead of --size).")
    String height;

    @Option(names = "--width", description = "Image width range in pixels (with --height, instead of --size).")
    String width;

    @Option(
            names = "--profile",
            description = "One optimisation profile, repeatable: batch=1:4:8,size=512:1024:1536"
                    + " or batch=...,height=...,width=... (instead of --batch/--size).")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--fp16", description = "Let TensorRT use float16 kernels (BuilderFlag kFP16).")
    boolean fp16;

    @Option(
            names = "--strongly-typed",
            description = "Strongly typed network: precisions from the ONNX (export in float16).")
    boolean stronglyTyped;

    @Option(names = "--timing-cache", description = "Timing cache file: read if present, written after the build.")
    Path timingCache;

    @Option(names = "--opt-level", description = "Builder optimisation level 0..5 (TensorRT default 3).")
    Integer optLevel;

    @Option(names = "--workspace-mb", description = "Workspace memory pool limit in MiB.")
    Integer workspaceMb;

    @Option(
            names = "--latent-channels",
            defaultValue = "4",
            description = "Latent channels of a rank-4 input whose channel dimension is dynamic (default 4).")
    int latentChannels;

    @Option(names = "--device", defaultValue = "0", description = "CUDA device to build on (default 0).")
    int device;

    @Option(names = "--print-only", description = "Print the trtexec command and exit without building.")
    boolean printOnly;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final TensorRtAvailability availability;
    private final TrtBuilderAdapter builder;
    private final Clock clock;
    private PrintWriter stdout;
    private PrintWriter stderr;

    public BuildEngineMain(TensorRtAvailability availability, TrtBuilderAdapter builder, Clock clock) {
        this.availability = availability;
        this.builder = builder;
        this.clock = clock;
    }

    public static void main(String[] args) {
        BuildEngineMain main = new BuildEngineMain(
                TensorRtAvailability.javacpp(), JavaCppTensorRt.process().newBuilder(), Clock.systemUTC());
        System.exit(commandLine(main).execute(args));
    }

    /** The picocli command, with argument errors printed as one line and exit code 2. */
    public static CommandLine commandLine(BuildEngineMain main) {
        CommandLine cl = new CommandLine(main);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine()
                    .getErr()
                    .println("build-engine: " + ex.getMessage() + " (build-engine --help lists the options)");
            return BAD_INPUT;
        });
        return cl;
    }

    @Override
    public Integer call() {
        stdout = spec.commandLine().getOut();
        stderr = spec.commandLine().getErr();
        BuildRequest request;
        Path plan = out != null ? out : onnx.toAbsolutePath().resolveSibling("engine.plan");
        List<BuildProfile> wanted;
        try {
            wanted = profiles();
            checkRanges();
        } catch (IllegalArgumentException e) {
            return fail(BAD_INPUT, e.getMessage());
        }
        List<OnnxInputs.Input> inputs;
        String onnxProblem = null;
        try {
            inputs = OnnxInputs.read(onnx).inputs();
        } catch (IOException e) {
            onnxProblem = Files.exists(onnx) ? e.getMessage() : "ONNX file not found: " + onnx;
            inputs = ProfileShapes.sdxlUnet(false);
        }
        try {
            List<Map<String, dev.strobe.engine.tensorrt.ShapeRange>> shapes = new ArrayList<>();
            for (BuildProfile p : wanted) {
                shapes.add(ProfileShapes.of(p, inputs, ProfileShapes.Dims.sdxl(latentChannels)));
            }
            request = new BuildRequest(
                    onnx,
                    plan,
                    shapes,
                    precision(),
                    optLevel == null ? OptionalInt.empty() : OptionalInt.of(optLevel),
                    workspaceMb == null ? OptionalInt.empty() : OptionalInt.of(workspaceMb),
                    Optional.ofNullable(timingCache),
                    device);
        } catch (IllegalArgumentException e) {
            return fail(BAD_INPUT, e.getMessage());
        }
        stdout.println("equivalent trtexec command:");
        stdout.println("  " + TrtexecCommand.line(request));
        if (precision() == Precision.FP16
                && inputs.stream().anyMatch(i -> i.name().equals(SdxlTensors.LATENT_SAMPLE))) {
            stdout.println(
                    "  note: this looks like a VAE decoder; the stock SDXL VAE overflows in fp16 (NaN, black"
                            + " images): build it in fp16 only from the fp16-fix VAE (scripts/export_vae_onnx.py), else without --fp16");
        }
        if (onnxProblem != null) {
            stdout.println(
                    "  (input shapes assumed: SDXL UNet with a [B] timestep, because the ONNX could not be read)");
            return fail(BAD_INPUT, onnxProblem);
        }
        if (printOnly) {
            return OK;
        }
        Optional<String> missing = availability.check();
        if (missing.isPresent()) {
            return fail(MISSING_LIBRARY, missing.get() + "; or run the trtexec command above");
        }
        return build(request);
    }

    private int build(BuildRequest request) {
        Instant start = clock.instant();
        stdout.println("building " + request.plan() + " from " + request.onnx() + " (" + describe(request)
                + "); a UNet takes tens of minutes");
        stdout.flush();
        TrtBuilderAdapter.Result result;
        try {
            result = builder.build(request);
        } catch (TrtNativeException | UncheckedIOException e) {
            return fail(BUILD_FAILED, "TensorRT build failed: " + e.getMessage());
        } catch (LinkageError e) {
            return fail(MISSING_LIBRARY, dev.strobe.engine.tensorrt.MissingLibraries.describe(e));
        }
        Instant end = clock.instant();
        double seconds = Duration.between(start, end).toMillis() / 1000.0;
        Path json = request.plan().toAbsolutePath().resolveSibling(EngineMetadata.FILE_NAME);
        try {
            EngineMetadata m =
                    EngineMetadata.of(request, result, EngineMetadata.sha256(request.onnx()), end.toString(), seconds);
            m.write(json);
        } catch (IOException e) {
            return fail(BUILD_FAILED, "the plan was built but " + json + " could not be written: " + e.getMessage());
        }
        stdout.printf(
                "wrote %s (%d MiB) in %.0f s with TensorRT %s on %s (compute %s); %s beside it%n",
                request.plan(),
                result.planBytes() >> 20,
                seconds,
                result.tensorrtVersion(),
                result.gpuName(),
                result.computeCapability(),
                EngineMetadata.FILE_NAME);
        return OK;
    }

    private String describe(BuildRequest r) {
        return r.profiles().size() + " profile(s), " + r.precision().label()
                + r.optLevel().stream()
                        .mapToObj(l -> ", opt level " + l)
                        .findFirst()
                        .orElse("");
    }

    private List<BuildProfile> profiles() {
        boolean single = batch != null || size != null || height != null || width != null;
        if (!profiles.isEmpty() && single) {
            throw new IllegalArgumentException(
                    "use either --profile (repeatable) or --batch with --size/--height/--width, not both");
        }
        if (profiles.isEmpty()) {
            if (!single) {
                throw new IllegalArgumentException("say which shapes to build for: --batch 1:4:8 --size 512:1024:1536"
                        + " (a text encoder: --batch 1:4:8 alone), or --profile ...");
            }
            return List.of(BuildProfile.of(batch, size, height, width, "options"));
        }
        return profiles.stream().map(BuildProfile::parse).toList();
    }

    private void checkRanges() {
        if (optLevel != null && (optLevel < 0 || optLevel > 5)) {
            throw new IllegalArgumentException("--opt-level must be 0..5, got " + optLevel);
        }
        if (workspaceMb != null && workspaceMb < 1) {
            throw new IllegalArgumentException("--workspace-mb must be positive, got " + workspaceMb);
        }
        if (latentChannels < 1) {
            throw new IllegalArgumentException("--latent-channels must be positive, got " + latentChannels);
        }
        if (device < 0) {
            throw new IllegalArgumentException("--device must be 0 or more, got " + device);
        }
        if (fp16 && stronglyTyped) {
            throw new IllegalArgumentException("--fp16 and --strongly-typed exclude each other"
                    + " (strongly typed networks take their precision from the ONNX)");
        }
    }

    private Precision precision() {
        return fp16 ? Precision.FP16 : stronglyTyped ? Precision.STRONGLY_TYPED : Precision.FP32;
    }

    private int fail(int code, String line) {
        stderr.println("build-engine: " + line);
        stderr.flush();
        return code;
    }
}
