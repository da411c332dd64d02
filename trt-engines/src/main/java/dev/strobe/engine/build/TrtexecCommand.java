package dev.strobe.engine.build;

import dev.strobe.engine.tensorrt.ShapeRange;
import dev.strobe.engine.tensorrt.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The trtexec command line equivalent to a build-engine run, printed every time so a user
 * without a working Java TensorRT setup can build the same plan with NVIDIA's tool. Each profile
 * becomes one {@code --minShapes/--optShapes/--maxShapes} triplet, in profile order.
 */
public final class TrtexecCommand {
    private TrtexecCommand() {}

    /** The command as separate arguments. */
    public static List<String> arguments(BuildRequest r) {
        List<String> a = new ArrayList<>();
        a.add("trtexec");
        a.add("--onnx=" + quote(r.onnx()));
        a.add("--saveEngine=" + quote(r.plan()));
        for (Map<String, ShapeRange> p : r.profiles()) {
            if (p.isEmpty()) {
                continue;
            }
            a.add("--minShapes=" + shapes(p, ShapeRange::min));
            a.add("--optShapes=" + shapes(p, ShapeRange::opt));
            a.add("--maxShapes=" + shapes(p, ShapeRange::max));
        }
        switch (r.precision()) {
            case FP16 -> a.add("--fp16");
            case STRONGLY_TYPED -> a.add("--stronglyTyped");
            case FP32 -> {}
        }
        r.optLevel().ifPresent(l -> a.add("--builderOptimizationLevel=" + l));
        r.timingCache().ifPresent(t -> a.add("--timingCacheFile=" + quote(t)));
        r.workspaceMb().ifPresent(mb -> a.add("--memPoolSize=workspace:" + mb + "M"));
        if (r.deviceId() != 0) {
            a.add("--device=" + r.deviceId());
        }
        a.add("--skipInference");
        return a;
    }

    /** The command as one line for a POSIX shell. */
    public static String line(BuildRequest r) {
        return String.join(" ", arguments(r));
    }

    private static String shapes(Map<String, ShapeRange> p, Function<ShapeRange, long[]> pick) {
        StringJoiner j = new StringJoiner(",");
        p.forEach((name, range) -> j.add(name + ":" + Shapes.format(pick.apply(range))));
        return j.toString();
    }

    private static String quote(Path p) {
        String s = p.toString();
        return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
