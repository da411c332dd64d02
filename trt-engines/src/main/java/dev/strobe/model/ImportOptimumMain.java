package dev.strobe.model;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line ({@code strobe import-optimum}): writes the {@code model.json} that lets strobe
 * serve an optimum ONNX export of SDXL(-Lightning). Exit code 0 on success, 1 when a file cannot
 * be read or written, 2 when the folder is not an SDXL export or an option does not fit it
 * (picocli's usage errors also exit with 2). Every failure is one line on stderr.
 */
@Command(
        name = "strobe-import-optimum",
        mixinStandardHelpOptions = true,
        description = "Writes model.json into an optimum ONNX export of an SDXL(-Lightning) pipeline"
                + " (optimum-cli export onnx), so strobe can serve it. The folder must sit in the model"
                + " repository (--models of the server).")
public final class ImportOptimumMain implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "The export folder (holds model_index.json).")
    Path dir;

    @Option(names = "--name", description = "Model name (default: the folder's name).")
    String name;

    @Option(
            names = "--steps",
            required = true,
            description =
                    "Steps the UNet was distilled for (1, 2, 4 or 8 for SDXL-Lightning); exports do not record it.")
    int steps;

    @Option(
            names = "--prediction",
            description = "epsilon or sample (default: scheduler_config.json's"
                    + " prediction_type; Lightning's 1-step UNet predicts sample).")
    String prediction;

    @Option(names = "--timestep-spacing", description = "trailing or sgm_uniform (default: scheduler_config.json's).")
    String timestepSpacing;

    @Option(
            names = "--engine",
            defaultValue = OptimumImport.ONNXRUNTIME,
            description = "UNet engine: onnxruntime or tensorrt (default: ${DEFAULT-VALUE}); the other components"
                    + " run on onnxruntime unless --tensorrt-components names them.")
    String engine;

    @Option(
            names = "--unet-file",
            description = "UNet file in the folder (default: unet/model.onnx, or"
                    + " unet/engine.plan with --engine tensorrt).")
    String unetFile;

    @Option(
            names = "--tensorrt-components",
            split = ",",
            paramLabel = "COMPONENT",
            description = "Serve these components as TensorRT plans (<component>/engine.plan, built with build-engine):"
                    + " unet, vae_decoder, text_encoder, text_encoder_2, or all. unet alone is --engine tensorrt.")
    java.util.List<String> tensorrtComponents = new java.util.ArrayList<>();

    @Option(
            names = "--min-size",
            defaultValue = "512",
            description = "Smallest width/height (default: ${DEFAULT-VALUE}).")
    int minSize;

    @Option(
            names = "--default-size",
            defaultValue = "1024",
            description = "Width/height of requests without one (default: ${DEFAULT-VALUE}).")
    int defaultSize;

    @Option(
            names = "--max-size",
            defaultValue = "2048",
            description = "Largest width/height (default: ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--force", description = "Replace a model.json that exists already.")
    boolean force;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImportOptimumMain()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        OptimumImport.Options options = OptimumImport.Options.sdxl(name, steps)
                .withPrediction(prediction)
                .withTimestepSpacing(timestepSpacing)
                .withUnet(engine, unetFile)
                .withSizes(minSize, defaultSize, maxSize)
                .withTensorrt(
                        tensorrtComponents.contains("all")
                                ? java.util.List.of(
                                        ModelManifest.UNET,
                                        ModelManifest.VAE_DECODER,
                                        ModelManifest.TEXT_ENCODER,
                                        ModelManifest.TEXT_ENCODER_2)
                                : tensorrtComponents);
        try {
            OptimumImport.Result r = new OptimumImport().importFolder(dir, options, force);
            ModelManifest m = r.manifest();
            stdout.printf(
                    Locale.ROOT,
                    "wrote %s: %s, %d steps, %s prediction, %s timesteps, %s%n",
                    r.manifestFile(),
                    m.name,
                    m.steps,
                    m.predictionType,
                    m.timestepSpacing,
                    m.description);
            stdout.printf(
                    Locale.ROOT,
                    "text encoders: %s, %s + %s; tokenizer padding '%s' and '%s'%n",
                    m.components.get(ModelManifest.TEXT_ENCODER).outputs.get("hidden"),
                    m.components.get(ModelManifest.TEXT_ENCODER_2).outputs.get("hidden"),
                    m.components.get(ModelManifest.TEXT_ENCODER_2).outputs.get("pooled"),
                    m.tokenizers.get(ModelManifest.TOKENIZER).padToken,
                    m.tokenizers.get(ModelManifest.TOKENIZER_2).padToken);
            return 0;
        } catch (OptimumImportException e) {
            stderr.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            stderr.println("error: cannot import " + dir + ": " + e);
            return 1;
        }
    }
}
