package dev.strobe.client.cli;

import dev.strobe.client.GenerationEvent;
import dev.strobe.client.Timings;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a successful generate command reports: the files written, the seeds and the server's timings,
 * as readable lines and as the one-line JSON object of {@code --json}. Immutable; main thread.
 */
record GenerateReport(
        GenerationEvent.Queued queued,
        List<GenerationEvent.Image> images,
        List<Path> files,
        List<Path> previews,
        GenerationEvent.Done done,
        String requestId,
        long elapsedMs,
        int attempts) {

    void printHuman(PrintStream out) {
        for (int i = 0; i < images.size(); i++) {
            GenerationEvent.Image image = images.get(i);
            out.printf(
                    "image %d: seed %s, %dx%d, %d bytes -> %s%n",
                    image.imageIndex(),
                    image.seedText(),
                    image.width(),
                    image.height(),
                    image.data().size(),
                    files.get(i));
        }
        if (!previews.isEmpty()) {
            Path dir = previews.get(0).toAbsolutePath().getParent();
            out.printf("previews: %d file(s) in %s%n", previews.size(), dir);
        }
        Timings t = done.timings();
        out.println(String.format(
                Locale.ROOT,
                "server timings: queue %.1f ms, encode %.1f ms, wait %.1f ms, denoise %.1f ms, decode %.1f ms, "
                        + "first preview %.1f ms, total %.1f ms (client saw %d ms)",
                t.queueMs(),
                t.encodeMs(),
                t.waitMs(),
                t.denoiseMs(),
                t.decodeMs(),
                t.firstPreviewMs(),
                t.totalMs(),
                elapsedMs));
    }

    String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("request_id", done.requestId().isEmpty() ? requestId : done.requestId());
        if (queued != null) {
            root.put("model", queued.model());
            root.put("width", queued.width());
            root.put("height", queued.height());
            root.put("steps", queued.steps());
        }
        root.put("files", files.stream().map(Path::toString).toList());
        root.put("previews", previews.stream().map(Path::toString).toList());
        root.put("seeds", images.stream().map(i -> new BigInteger(i.seedText())).toList());
        Timings t = done.timings();
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("queue_ms", t.queueMs());
        timings.put("encode_ms", t.encodeMs());
        timings.put("wait_ms", t.waitMs());
        timings.put("denoise_ms", t.denoiseMs());
        timings.put("decode_ms", t.decodeMs());
        timings.put("first_preview_ms", t.firstPreviewMs());
        timings.put("total_ms", t.totalMs());
        root.put("timings", timings);
        root.put("elapsed_ms", elapsedMs);
        root.put("attempts", attempts);
        return CliSupport.GSON.toJson(root);
    }
}
