package dev.strobe.tools;

import dev.strobe.model.ClipBpeFiles;
import dev.strobe.pipeline.image.ImageEncoder;
import dev.strobe.pipeline.image.LatentPreview;
import dev.strobe.pipeline.image.RgbImage;
import dev.strobe.pipeline.image.VaeImage;
import dev.strobe.pipeline.noise.TorchCpuNoise;
import dev.strobe.pipeline.text.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code speed}: a rough, JMH-free timing of the CPU-side numerics (median of repeated runs after a
 * warm-up), for reports and for spotting regressions by hand. Not a test: timings depend on the
 * machine.
 */
@Command(name = "speed", description = "Time tokenizing, noise, previews and image encoding (median microseconds).")
final class SpeedCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--rounds", defaultValue = "30", description = "timed rounds per item; default ${DEFAULT-VALUE}")
    private int rounds;

    @Override
    public Integer call() {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        ClipBpeFiles files = ClipBpeFiles.builtin();
        long t0 = System.nanoTime();
        ClipTokenizer tokenizer = ClipTokenizer.of(files, ClipTokenizer.PAD_CLIP_L);
        json.put("tokenizer_build_us", (System.nanoTime() - t0) / 1000);
        String prompt = "a cinematic photo of a red fox sitting in a snowy birch forest at golden hour, "
                + "tall pines, distant mountains, "
                + "soft rim light, shallow depth of field, 85mm lens, highly detailed fur, bokeh, "
                + "film grain, muted colours, award-winning wildlife photography, national geographic, "
                + "ultra sharp, 8k, trending on artstation, masterpiece, best quality";
        json.put("tokenize_prompt_tokens", tokenizer.encode(prompt).promptTokens());
        json.put("tokenize_75_tokens_us", median(() -> tokenizer.encode(prompt).promptTokens(), 20000));
        int[] salt = {0};
        json.put(
                "tokenize_uncached_words_us",
                median(
                        () -> tokenizer
                                .encode(prompt.replace("fox", "fox" + salt[0]++) + " zq" + salt[0])
                                .promptTokens(),
                        200));
        json.put("noise_1x4x128x128_us", median(() -> TorchCpuNoise.randn(7, 1, 4, 128, 128).length, rounds));
        float[] latent = TorchCpuNoise.randn(8, 1, 4, 128, 128);
        json.put(
                "preview_128x128_us",
                median(() -> LatentPreview.render(latent, 0, 128, 128).width(), rounds));
        float[] decoded = photoLike(1024, 1024);
        RgbImage image = VaeImage.toRgb(decoded, 0, 1024, 1024);
        json.put(
                "vae_to_rgb_1024_us",
                median(() -> VaeImage.toRgb(decoded, 0, 1024, 1024).width(), rounds));
        ImageEncoder encoder = new ImageEncoder();
        json.put("png_1024_bytes", encoder.png(image).length);
        json.put("png_1024_us", median(() -> encoder.png(image).length, rounds));
        json.put("imageio_png_1024_us", median(() -> imageIoPng(image), Math.min(rounds, 5)));
        json.put("jpeg90_1024_us", median(() -> encoder.jpeg(image, 90).length, rounds));
        json.put(
                "jpeg90_1024_max512_us",
                median(() -> encoder.encode(image, ImageEncoder.Format.JPEG, 90, 512).length, rounds));
        JsonLine.print(spec.commandLine().getOut(), json);
        return 0;
    }

    /** A [3, h, w] VAE-like output: smooth shading with mild per-pixel noise, like a photo. */
    private static float[] photoLike(int h, int w) {
        float[] d = new float[3 * h * w];
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0.45 * Math.sin(x * 0.01) * Math.cos(y * 0.013) + 0.25 * Math.sin((x + y) * 0.003);
                int p = y * w + x;
                d[p] = (float) (v + r.nextGaussian() * 0.02);
                d[h * w + p] = (float) (0.8 * v + 0.1 + r.nextGaussian() * 0.02);
                d[2 * h * w + p] = (float) (-v + r.nextGaussian() * 0.02);
            }
        }
        return d;
    }

    /** Median wall time of one call in microseconds, after as many warm-up calls. */
    private static double median(IntSupplier work, int n) {
        int sink = 0;
        for (int i = 0; i < n; i++) {
            sink += work.getAsInt();
        }
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            sink += work.getAsInt();
            times[i] = System.nanoTime() - start;
        }
        if (sink == 42) {
            System.out.print(""); // keeps the work observable
        }
        java.util.Arrays.sort(times);
        return Math.round(times[n / 2] / 100.0) / 10.0;
    }

    private static int imageIoPng(RgbImage image) {
        BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(b, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size();
    }
}
