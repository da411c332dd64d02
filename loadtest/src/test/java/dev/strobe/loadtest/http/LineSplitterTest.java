package dev.strobe.loadtest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void linesSplitAcrossChunksAtAnyByteComeOutWhole() {
        String stream = ": queued\n\ndata: {\"b64_json\":\"" + "A".repeat(100_000) + "\"}\r\n\ndata: é\n\nlast";
        byte[] all = stream.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 7, 4096, all.length}) {
            List<String> lines = new ArrayList<>();
            LineSplitter s = new LineSplitter(lines::add);
            for (int i = 0; i < all.length; i += chunk) {
                s.accept(
                        ByteBuffer.wrap(all, i, Math.min(chunk, all.length - i)).slice());
            }
            s.finish();
            assertEquals(
                    List.of(
                            ": queued",
                            "",
                            "data: {\"b64_json\":\"" + "A".repeat(100_000) + "\"}",
                            "",
                            "data: é",
                            "",
                            "last"),
                    lines,
                    "chunks of " + chunk);
        }
    }

    @Test
    void directBuffersAndAnEndWithoutATrailingLineWork() {
        List<String> lines = new ArrayList<>();
        LineSplitter s = new LineSplitter(lines::add);
        ByteBuffer direct = ByteBuffer.allocateDirect(8);
        direct.put(bytes("ab\ncd\n")).flip();
        s.accept(direct);
        s.finish();
        assertEquals(List.of("ab", "cd"), lines);
    }
}
