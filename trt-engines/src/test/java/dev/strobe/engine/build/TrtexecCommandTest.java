package dev.strobe.engine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strobe.engine.tensorrt.ShapeRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TrtexecCommandTest {
    private static Map<String, ShapeRange> shapes(String batch, String size) {
        return ProfileShapes.of(
                BuildProfile.of(batch, size, null, null, "t"),
                ProfileShapes.sdxlUnet(false),
                ProfileShapes.Dims.sdxl(4));
    }

    @Test
    void oneProfileWithEveryOption() {
        BuildRequest r = new BuildRequest(
                Path.of("unet/model.onnx"),
                Path.of("unet/engine.plan"),
                List.of(shapes("1:4:8", "512:1024:1536")),
                Precision.FP16,
                OptionalInt.of(4),
                OptionalInt.of(4096),
                Optional.of(Path.of("unet/timing.cache")),
                0);
        assertEquals(
                "trtexec --onnx=unet/model.onnx --saveEngine=unet/engine.plan"
                        + " --minShapes=sample:1x4x64x64,timestep:1,encoder_hidden_states:1x77x2048,text_embeds:1x1280,time_ids:1x6"
                        + " --optShapes=sample:4x4x128x128,timestep:4,encoder_hidden_states:4x77x2048,text_embeds:4x1280,time_ids:4x6"
                        + " --maxShapes=sample:8x4x192x192,timestep:8,encoder_hidden_states:8x77x2048,text_embeds:8x1280,time_ids:8x6"
                        + " --fp16 --builderOptimizationLevel=4 --timingCacheFile=unet/timing.cache"
                        + " --memPoolSize=workspace:4096M --skipInference",
                TrtexecCommand.line(r));
    }

    @Test
    void severalProfilesStronglyTypedOtherDeviceAndQuotedPaths() {
        BuildRequest r = new BuildRequest(
                Path.of("my models/unet.onnx"),
                Path.of("out/engine.plan"),
                List.of(shapes("1", "512"), shapes("2:4:4", "1024")),
                Precision.STRONGLY_TYPED,
                OptionalInt.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                1);
        List<String> a = TrtexecCommand.arguments(r);
        assertEquals("--onnx='my models/unet.onnx'", a.get(1));
        assertEquals(2, a.stream().filter(s -> s.startsWith("--minShapes=")).count());
        assertEquals(
                "--maxShapes=sample:4x4x128x128,timestep:4,encoder_hidden_states:4x77x2048,text_embeds:4x1280,time_ids:4x6",
                a.get(8));
        assertEquals(List.of("--stronglyTyped", "--device=1", "--skipInference"), a.subList(9, 12));
    }
}
