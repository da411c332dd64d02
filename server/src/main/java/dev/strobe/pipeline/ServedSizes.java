package dev.strobe.pipeline;

import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.InputProfile;
import dev.strobe.engine.TensorSpec;
import dev.strobe.model.ModelManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The image sizes a model really serves: model.json's resolution range narrowed to what every
 * component's shape profiles can run. A TensorRT plan only takes the sizes its optimisation
 * profiles were built for, so a manifest that allows 2048 over a plan built for 512..1536 would
 * pass validation and fail at the first UNet call; instead the request is refused up front with
 * INVALID_ARGUMENT and ListModels reports the served range.
 *
 * <p>The served range is one interval [min, max] for width and height alike (what the API
 * reports), the widest one in the manifest's range such that <em>every</em> width and height in
 * it (in steps of the manifest's multiple) is covered, for every component with a spatial input
 * (the UNet's {@code sample}, the VAE's {@code latent_sample}; latent = pixels / vae scale), by at
 * least one of its profiles. A batch that a covering profile cannot take whole is split or padded
 * by the engine, so the batch range does not narrow sizes; the note says when the largest size
 * takes fewer images per call than the engine's maximum. Components without profiles (ONNX
 * Runtime) take any size.
 *
 * @param limitedBy empty when no profile bounds the sizes; otherwise which components' profiles do
 * @param note what was narrowed and why, for the start-up log; empty when nothing was
 */
public record ServedSizes(int min, int max, int defaultWidth, int defaultHeight, String limitedBy, String note) {

    /** Works the served sizes out at load time (main thread). */
    public static ServedSizes reconcile(
            String model, ModelManifest.Resolution r, int vaeScale, Map<String, EngineInfo> components) {
        List<Spatial> bounded = new ArrayList<>();
        components.forEach((name, info) -> spatialInput(info).ifPresent(in -> {
            if (!info.profiles().isEmpty()) {
                bounded.add(new Spatial(name, in, info));
            }
        }));
        if (bounded.isEmpty()) {
            return new ServedSizes(r.min, r.max, r.defaultWidth, r.defaultHeight, "", "");
        }
        List<Integer> sides = new ArrayList<>();
        for (int s = r.min; s <= r.max; s += r.multiple) {
            sides.add(s);
        }
        int bestLo = -1;
        int bestHi = -1;
        for (int lo = 0; lo < sides.size(); lo++) {
            int hi = lo - 1;
            while (hi + 1 < sides.size() && extendable(sides, lo, hi + 1, bounded, vaeScale)) {
                hi++;
            }
            if (hi >= lo && better(sides, lo, hi, bestLo, bestHi, r)) {
                bestLo = lo;
                bestHi = hi;
            }
        }
        String by = describe(bounded);
        if (bestLo < 0) {
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    model + ": no image size in model.json's range "
                            + r.min + ".." + r.max + " fits " + by
                            + "; rebuild the plan with build-engine --size covering"
                            + " the sizes to serve, or set resolution in model.json to what the plan was built for");
        }
        int min = sides.get(bestLo);
        int max = sides.get(bestHi);
        int dw = clamp(r.defaultWidth, min, max);
        int dh = clamp(r.defaultHeight, min, max);
        StringBuilder note = new StringBuilder();
        if (min != r.min || max != r.max) {
            note.append(model)
                    .append(": serving sizes ")
                    .append(min)
                    .append("..")
                    .append(max)
                    .append(" of model.json's ")
                    .append(r.min)
                    .append("..")
                    .append(r.max)
                    .append(", the sizes ")
                    .append(by)
                    .append(" cover; requests outside get INVALID_ARGUMENT");
            if (dw != r.defaultWidth || dh != r.defaultHeight) {
                note.append("; the default size ")
                        .append(r.defaultWidth)
                        .append('x')
                        .append(r.defaultHeight)
                        .append(" becomes ")
                        .append(dw)
                        .append('x')
                        .append(dh);
            }
        }
        for (Spatial s : bounded) {
            int atMax = maxBatchAt(s, max / vaeScale);
            if (atMax < s.info.maxBatch()) {
                note.append(note.length() == 0 ? model + ": " : "; ")
                        .append("at ")
                        .append(max)
                        .append('x')
                        .append(max)
                        .append(" the ")
                        .append(s.component)
                        .append(" takes at most ")
                        .append(atMax)
                        .append(" image(s) per call (larger batches are split)");
            }
        }
        return new ServedSizes(min, max, dw, dh, by, note.toString());
    }

    /** A component whose spatial input is bounded by profiles. */
    private record Spatial(String component, String input, EngineInfo info) {}

    /** The rank-4 input of a component (sample, latent_sample), if it has one. */
    private static java.util.Optional<String> spatialInput(EngineInfo info) {
        return info.inputs().stream()
                .filter(t -> t.rank() == 4)
                .map(TensorSpec::name)
                .findFirst();
    }

    /** Whether adding side index {@code next} to [lo, next-1] keeps every pair covered. */
    private static boolean extendable(List<Integer> sides, int lo, int next, List<Spatial> bounded, int f) {
        int n = sides.get(next);
        for (int i = lo; i <= next; i++) {
            int o = sides.get(i);
            if (!covered(n, o, bounded, f) || !covered(o, n, bounded, f)) {
                return false;
            }
        }
        return true;
    }

    private static boolean covered(int height, int width, List<Spatial> bounded, int f) {
        if (height % f != 0 || width % f != 0) {
            return false;
        }
        for (Spatial s : bounded) {
            boolean any = false;
            for (InputProfile p : s.info.profiles()) {
                InputProfile.Bounds b = p.bounds(s.input);
                if (b != null && b.rank() == 4 && b.covers(2, height / f) && b.covers(3, width / f)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** Wider wins; then the interval holding the default size; then the larger sizes. */
    private static boolean better(
            List<Integer> sides, int lo, int hi, int bestLo, int bestHi, ModelManifest.Resolution r) {
        if (bestLo < 0) {
            return true;
        }
        if (hi - lo != bestHi - bestLo) {
            return hi - lo > bestHi - bestLo;
        }
        boolean holds = sides.get(lo) <= r.defaultWidth && r.defaultWidth <= sides.get(hi);
        boolean bestHolds = sides.get(bestLo) <= r.defaultWidth && r.defaultWidth <= sides.get(bestHi);
        if (holds != bestHolds) {
            return holds;
        }
        return hi > bestHi;
    }

    private static int maxBatchAt(Spatial s, long latentSide) {
        long best = 0;
        for (InputProfile p : s.info.profiles()) {
            InputProfile.Bounds b = p.bounds(s.input);
            if (b != null && b.rank() == 4 && b.covers(2, latentSide) && b.covers(3, latentSide)) {
                best = Math.max(best, b.max()[0]);
            }
        }
        return (int) Math.min(best, Integer.MAX_VALUE);
    }

    private static String describe(List<Spatial> bounded) {
        StringJoiner j = new StringJoiner(" and ");
        for (Spatial s : bounded) {
            StringJoiner p = new StringJoiner("; ");
            for (InputProfile x : s.info.profiles()) {
                InputProfile.Bounds bounds = x.bounds(s.input);
                if (bounds != null) {
                    p.add("#" + x.index() + " " + s.input + " " + shape(bounds.min()) + ".." + shape(bounds.max()));
                }
            }
            j.add("the " + s.component + "'s " + s.info.backend() + " profiles (" + p + ")");
        }
        return j.toString();
    }

    private static String shape(long[] d) {
        StringJoiner j = new StringJoiner("x");
        for (long v : d) {
            j.add(Long.toString(v));
        }
        return j.toString();
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
