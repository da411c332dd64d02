package dev.strobe.tools;

import dev.strobe.pipeline.noise.TorchCpuNoise;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noise --seed S --shape 1,4,8,8 [--kernel avx2|scalar]}: torch.randn's values. */
@Command(name = "noise", description = "Print torch.randn(shape, generator=torch.manual_seed(seed)).")
final class NoiseCommand implements Callable<Integer> {
    /** Largest tensor the tool prints (a 2048 x 2048 image's latent). */
    private static final int MAX_VALUES = 4 * 256 * 256;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--seed",
            required = true,
            description = "0..18446744073709551615, or a negative 64-bit value (taken modulo 2^64)")
    private String seed;

    @Option(names = "--shape", required = true, split = ",", description = "dimensions, e.g. 1,4,8,8")
    private int[] shape;

    @Option(
            names = "--kernel",
            defaultValue = "avx2",
            description = "which PyTorch CPU kernel to reproduce: avx2 or scalar; default ${DEFAULT-VALUE}")
    private String kernel;

    @Override
    public Integer call() {
        long seedValue = parseSeed(seed);
        TorchCpuNoise.Kernel k = switch (kernel.toLowerCase(Locale.ROOT)) {
            case "avx2" -> TorchCpuNoise.Kernel.AVX2;
            case "scalar" -> TorchCpuNoise.Kernel.SCALAR;
            default -> throw new IllegalArgumentException("--kernel must be avx2 or scalar, got " + kernel);
        };
        int count = TorchCpuNoise.elementCount(shape);
        if (count > MAX_VALUES) {
            throw new IllegalArgumentException(
                    "--shape has " + count + " values; this tool prints at most " + MAX_VALUES);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", Long.toUnsignedString(seedValue));
        json.put("shape", shape);
        json.put("values", TorchCpuNoise.randn(k, seedValue, shape));
        JsonLine.print(spec.commandLine().getOut(), json);
        return 0;
    }

    static long parseSeed(String s) {
        try {
            return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--seed must be an integer in -9223372036854775808.." + "18446744073709551615, got \"" + s + "\"");
        }
    }
}
