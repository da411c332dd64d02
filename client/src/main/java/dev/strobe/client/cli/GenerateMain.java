package dev.strobe.client.cli;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.PreviewOptions;
import dev.strobe.client.ClientConfigurationException;
import dev.strobe.client.GenerationHandle;
import dev.strobe.client.StrobeClient;
import dev.strobe.client.StrobeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strobe generate "prompt"}: sends one request, draws a progress bar as previews arrive, saves
 * previews and the final images, and prints the seeds and the server's timings (with {@code --json},
 * also one JSON object on the last line). Exit codes in {@link ExitCodes}.
 *
 * <p>The launcher runs {@link #main}; tests call {@link #run} with their own streams. Runs on the main
 * thread; stream callbacks (progress, previews) run on a gRPC thread while main waits.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Generates images for a prompt on a strobe server, showing a preview per step.")
public final class GenerateMain implements Callable<Integer> {

    /** Preview choices of the command line. */
    enum PreviewChoice {
        jpeg,
        png,
        none
    }

    /** Final image encodings of the command line. */
    enum OutputChoice {
        png,
        jpeg
    }

    @Parameters(index = "0", paramLabel = "PROMPT", description = "The text prompt.")
    String prompt;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description =
                    "Final image file; several images get -0, -1, ... before the extension (default: image.png or image.jpg).")
    Path output;

    @Option(
            names = "--previews",
            paramLabel = "DIR",
            description = "Save every preview as DIR/image{i}-step{k}.{jpg|png}.")
    Path previewDir;

    @Option(names = "--model", paramLabel = "NAME", description = "Model name (default: the server's default).")
    String model = "";

    @Option(names = "--steps", paramLabel = "N", description = "Denoising steps; 0 uses the model's own count.")
    int steps;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            converter = UnsignedLongConverter.class,
            description = "Seed of image 0 (image i uses SEED + i); random when absent.")
    Long seed;

    @Option(
            names = "--width",
            paramLabel = "W",
            description = "Width in pixels, a multiple of 64; 0 for the model default.")
    int width;

    @Option(
            names = "--height",
            paramLabel = "H",
            description = "Height in pixels, a multiple of 64; 0 for the model default.")
    int height;

    @Option(
            names = {"-n", "--num-images"},
            paramLabel = "N",
            defaultValue = "1",
            description = "Number of images, 1 to 4 (default: ${DEFAULT-VALUE}).")
    int numImages;

    @Option(
            names = "--preview-format",
            paramLabel = "FMT",
            defaultValue = "jpeg",
            description = "Previews: jpeg, png or none (default: ${DEFAULT-VALUE}).")
    PreviewChoice previewFormat;

    @Option(
            names = "--preview-max-side",
            paramLabel = "N",
            description = "Longest preview side in pixels, 16..4096; 0 for the natural latent size.")
    int previewMaxSide;

    @Option(
            names = "--output-format",
            paramLabel = "FMT",
            defaultValue = "png",
            description = "Final image encoding: png or jpeg (default: ${DEFAULT-VALUE}).")
    OutputChoice outputFormat;

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = "Request id echoed by the server and written to its log (default: a random one).")
    String requestId;

    @Option(names = "--json", description = "Also print one JSON object with the results as the last line.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    CallOptions callOptions;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    GenerateMain(
            PrintStream out,
            PrintStream err,
            Map<String, String> environment,
            boolean terminal,
            LongSupplier nanoClock) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv(), System.console() != null));
    }

    /** Parses {@code args}, runs the command and returns its exit code. */
    public static int run(
            String[] args, PrintStream out, PrintStream err, Map<String, String> environment, boolean terminal) {
        GenerateMain command = new GenerateMain(out, err, environment, terminal, System::nanoTime);
        return CliSupport.commandLine(command, out, err).execute(args);
    }

    @Override
    public Integer call() {
        GenerateRequest request = buildRequest();
        Path outputFile = output != null ? output : ImageFiles.defaultOutput(imageFormat());
        ImageFiles files = new ImageFiles(outputFile, previewDir);
        StrobeClient.Builder builder;
        try {
            builder = callOptions.applyTo(connection.toBuilder(environment));
        } catch (ClientConfigurationException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID_ARGUMENTS;
        }
        try (StrobeClient client = builder.build()) {
            return generate(client, request, files);
        } catch (ClientConfigurationException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID_ARGUMENTS;
        }
    }

    private int generate(StrobeClient client, GenerateRequest request, ImageFiles files) {
        long startNanos = nanoClock.getAsLong();
        GenerateProgress progress =
                new GenerateProgress(out, err, new ProgressPrinter(out, terminal), files, nanoClock, startNanos);
        GenerationHandle handle = client.generate(request, progress);
        progress.attach(handle);
        try {
            handle.completion().get();
        } catch (InterruptedException e) {
            handle.cancel("interrupted");
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return ExitCodes.SERVER_ERROR;
        } catch (ExecutionException e) {
            progress.finishOutput();
            if (progress.localFailure() != null) {
                return reportLocalFailure(progress.localFailure());
            }
            StrobeException failure = e.getCause() instanceof StrobeException se
                    ? se
                    : StrobeException.of(io.grpc.Status.fromThrowable(e.getCause()), handle.attempts());
            return reportServerFailure(failure);
        }
        progress.finishOutput();
        try {
            GenerateReport report = progress.writeImages(request.getRequestId(), handle.attempts());
            report.printHuman(out);
            if (json) {
                out.println(report.toJson());
            }
            out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            return reportLocalFailure(e);
        }
    }

    private int reportServerFailure(StrobeException failure) {
        err.println("error: " + failure.code() + ": " + oneLine(failure.description()));
        if (json) {
            out.println(CliSupport.errorJson(failure.code().name(), failure.description()));
        }
        out.flush();
        return ExitCodes.forStatus(failure.code());
    }

    private int reportLocalFailure(IOException failure) {
        err.println("error: cannot write " + failure.getMessage());
        if (json) {
            out.println(CliSupport.errorJson("LOCAL_IO", "cannot write " + failure.getMessage()));
        }
        out.flush();
        return ExitCodes.SERVER_ERROR;
    }

    private GenerateRequest buildRequest() {
        requireNonNegative(steps, "--steps");
        requireNonNegative(width, "--width");
        requireNonNegative(height, "--height");
        requireNonNegative(previewMaxSide, "--preview-max-side");
        if (numImages < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--num-images must be at least 1, got " + numImages);
        }
        if (previewDir != null && previewFormat == PreviewChoice.none) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--previews saves previews, but --preview-format none asks for none; drop one of them");
        }
        GenerateRequest.Builder b = GenerateRequest.newBuilder()
                .setPrompt(prompt)
                .setModel(model == null ? "" : model)
                .setSteps(steps)
                .setWidth(width)
                .setHeight(height)
                .setNumImages(numImages)
                .setOutputFormat(imageFormat())
                .setPreview(PreviewOptions.newBuilder()
                        .setFormat(
                                switch (previewFormat) {
                                    case jpeg -> PreviewFormat.PREVIEW_FORMAT_JPEG;
                                    case png -> PreviewFormat.PREVIEW_FORMAT_PNG;
                                    case none -> PreviewFormat.PREVIEW_FORMAT_NONE;
                                })
                        .setMaxSide(previewMaxSide))
                .setRequestId(
                        requestId != null
                                ? requestId
                                : "cli-" + UUID.randomUUID().toString().substring(0, 8));
        if (seed != null) {
            b.setSeed(seed);
        }
        return b.build();
    }

    private ImageFormat imageFormat() {
        return outputFormat == OutputChoice.jpeg ? ImageFormat.IMAGE_FORMAT_JPEG : ImageFormat.IMAGE_FORMAT_PNG;
    }

    private void requireNonNegative(int value, String option) {
        if (value < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be 0 or more, got " + value);
        }
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
