package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.api.v1.UnavailableModel;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.model.ModelManifest;
import dev.strobe.testing.TinyModels;
import dev.strobe.tiny.onnx.OnnxBoundary;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One server over a repository of one good tiny model and many copies of it, each damaged the way
 * a user's model folder goes wrong: a missing component, a renamed input, a UNet without
 * {@code text_embeds}, text encoders of the wrong width, a corrupt ONNX file, an ONNX file ONNX
 * Runtime rejects, a truncated or missing external-data file, a corrupt tokenizer, a corrupt, invalid or missing
 * model.json, two folders with one name. The server starts, serves the good model, and lists each
 * broken folder (log, ListModels, GET /v1/models) with one sentence naming the folder, the file
 * and what is wrong.
 */
class BrokenModelFoldersTest {
    static final String GOOD = "tiny-lightning-1step";

    @TempDir
    static Path repo;

    static StrobeServer server;
    static ManagedChannel channel;

    /** A damage: the folder it is done to, the file the sentence must name, and words of the problem. */
    record Damage(String folder, String file, String problem) {
        @Override
        public String toString() {
            return folder;
        }
    }

    static List<Damage> damages() {
        return List.of(
                new Damage("missing-component", "vae_decoder/model.onnx", "which does not exist"),
                new Damage(
                        "renamed-input", "text_encoder/model.onnx", "has no input 'input_ids'; its inputs are tokens"),
                new Damage("unet-without-text-embeds", "unet/model.onnx", "has no input 'text_embeds'"),
                new Damage(
                        "mismatched-widths",
                        "unet/model.onnx",
                        "takes encoder_hidden_states 2048 wide, but the text encoders give 768"),
                new Damage("corrupt-onnx", "unet/model.onnx", "is not an ONNX model"),
                new Damage("rejected-graph", "vae_decoder/model.onnx", "does not load in onnxruntime"),
                new Damage("truncated-external-data", "unet/model.onnx_data", "is truncated"),
                new Damage("missing-external-data", "unet/model.onnx_data", "which does not exist"),
                new Damage(
                        "corrupt-tokenizer",
                        "tokenizer_2/vocab.json",
                        ": tokenizer_2/vocab.json is not a CLIP vocabulary"),
                new Damage("corrupt-manifest", "model.json", "is not a valid model manifest"),
                new Damage("invalid-manifest", "model.json", "steps must be 1..50"),
                new Damage("missing-manifest", "model.json", "model.json is missing"),
                new Damage("zz-duplicate-name", "model.json", "already has"));
    }

    @BeforeAll
    static void start() throws Exception {
        copy(GOOD, m -> {});
        damage("missing-component", m -> {}, d -> Files.delete(d.resolve("vae_decoder/model.onnx")));
        damage(
                "renamed-input",
                m -> {},
                d -> rewrite(d.resolve("text_encoder/model.onnx"), g -> renameInput(g, "input_ids", "tokens")));
        damage(
                "unet-without-text-embeds",
                m -> {},
                d -> rewrite(d.resolve("unet/model.onnx"), g -> inputToConstant(g, "text_embeds")));
        damage(
                "mismatched-widths",
                m -> {
                    // an SD 1.x-style second encoder: CLIP ViT-L's interface where OpenCLIP bigG's belongs
                    m.components.get(ModelManifest.TEXT_ENCODER_2).outputs.put("hidden", "hidden_states.11");
                    m.components.get(ModelManifest.TEXT_ENCODER_2).outputs.put("pooled", "pooler_output");
                },
                d -> Files.copy(
                        d.resolve("text_encoder/model.onnx"),
                        d.resolve("text_encoder_2/model.onnx"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING));
        damage(
                "corrupt-onnx",
                m -> {},
                d -> Files.write(
                        d.resolve("unet/model.onnx"),
                        "this is not an ONNX file, it was a failed download\n"
                                .repeat(40)
                                .getBytes()));
        damage(
                "rejected-graph",
                m -> {},
                d -> rewrite(d.resolve("vae_decoder/model.onnx"), g -> {
                    NodeProto first = g.getNode(0);
                    g.setNode(0, first.toBuilder().setOpType("NoSuchOperator"));
                }));
        damage("truncated-external-data", m -> {}, d -> {
            externalizeUnet(d);
            Path data = d.resolve("unet/model.onnx_data");
            try (FileChannel c = FileChannel.open(data, StandardOpenOption.WRITE)) {
                c.truncate(c.size() / 2);
            }
        });
        damage("missing-external-data", m -> {}, d -> {
            externalizeUnet(d);
            Files.delete(d.resolve("unet/model.onnx_data"));
        });
        damage("corrupt-tokenizer", m -> {}, d -> Files.writeString(d.resolve("tokenizer_2/vocab.json"), "[1, 2"));
        damage("corrupt-manifest", m -> {}, d -> Files.writeString(d.resolve("model.json"), "{\"name\": \"x\", steps"));
        damage("invalid-manifest", m -> m.steps = 0, d -> {});
        damage("missing-manifest", m -> {}, d -> Files.delete(d.resolve("model.json")));
        // sorted after the good folder, so the good one keeps the name
        damage("zz-duplicate-name", m -> m.name = GOOD, d -> {});

        String name = InProcessServerBuilder.generateName();
        ServerSettings s =
                ServerSettings.forModels(repo, 0).toBuilder().httpPort(0).build();
        server = StrobeServer.start(s, GrpcTransport.using(InProcessServerBuilder.forName(name)));
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @MethodSource("damages")
    void eachBrokenFolderIsUnavailableWithOneSentenceNamingFolderFileAndProblem(Damage d) {
        dev.strobe.service.UnavailableModel u = server.service().unavailableModels().stream()
                .filter(x -> x.folder().equals(d.folder()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(d.folder() + " is not listed as unavailable: "
                        + server.service().unavailableModels()));
        String r = u.reason();
        assertTrue(r.startsWith("model folder " + d.folder() + ": "), r);
        assertFalse(r.contains(repo.toString()), "the server's own paths stay out of what clients see: " + r);
        assertTrue(r.contains(d.file()), "names " + d.file() + ": " + r);
        assertTrue(r.contains(d.problem()), "says " + d.problem() + ": " + r);
        assertFalse(r.contains("\n"), "one line: " + r);
        assertFalse(r.contains("Exception") || r.contains("\tat "), "no stack trace or class names: " + r);
        assertFalse(
                server.service().catalog().names().contains(u.name())
                        && !u.name().equals(GOOD),
                "an unavailable model is not served: " + u.name());
    }

    @Test
    void theGoodModelIsServedAndGenerates() throws Exception {
        assertEquals(List.of(GOOD), server.service().catalog().names());
        assertEquals(GOOD, server.service().defaultModel());
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/images/generations"))
                                .timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"prompt\": \"a fox\", \"size\": \"256x256\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(GOOD, body.getAsJsonObject("strobe").get("model").getAsString());
        assertFalse(body.getAsJsonArray("data")
                .get(0)
                .getAsJsonObject()
                .get("b64_json")
                .getAsString()
                .isEmpty());
    }

    @Test
    void listModelsReportsEveryBrokenFolder() {
        ListModelsResponse r =
                ImageGeneratorGrpc.newBlockingStub(channel).listModels(ListModelsRequest.getDefaultInstance());
        assertEquals(
                List.of(GOOD), r.getModelsList().stream().map(m -> m.getName()).toList());
        assertEquals(damages().size(), r.getUnavailableModelsCount(), r.toString());
        for (Damage d : damages()) {
            UnavailableModel u = r.getUnavailableModelsList().stream()
                    .filter(x -> x.getFolder().equals(d.folder()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(d.folder() + " missing from ListModels: " + r));
            assertTrue(u.getReason().contains(d.file()) && u.getReason().contains(d.problem()), u.getReason());
        }
        UnavailableModel corrupt = r.getUnavailableModelsList().stream()
                .filter(x -> x.getFolder().endsWith("corrupt-manifest"))
                .findFirst()
                .orElseThrow();
        assertEquals("corrupt-manifest", corrupt.getName(), "an unreadable manifest is named by its folder");
    }

    @Test
    void getModelsReportsEveryBrokenFolder() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/models"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(1, body.getAsJsonArray("data").size());
        JsonArray unavailable = body.getAsJsonArray("unavailable_models");
        assertEquals(damages().size(), unavailable.size(), r.body());
        for (Damage d : damages()) {
            JsonObject u = null;
            for (JsonElement e : unavailable) {
                if (e.getAsJsonObject().get("folder").getAsString().equals(d.folder())) {
                    u = e.getAsJsonObject();
                }
            }
            assertTrue(u != null, d.folder() + " missing from GET /v1/models: " + r.body());
            assertTrue(u.get("reason").getAsString().contains(d.problem()), u.toString());
            assertFalse(u.get("id").getAsString().isEmpty());
        }
    }

    @Test
    void healthSaysTheGoodModelServesAndABrokenOneDoesNot() {
        var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(channel);
        assertEquals(
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
                health.check(io.grpc.health.v1.HealthCheckRequest.newBuilder()
                                .setService("")
                                .build())
                        .getStatus());
        assertEquals(
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
                health.check(io.grpc.health.v1.HealthCheckRequest.newBuilder()
                                .setService("strobe.v1.ImageGenerator/" + GOOD)
                                .build())
                        .getStatus());
        assertEquals(
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING,
                health.check(io.grpc.health.v1.HealthCheckRequest.newBuilder()
                                .setService("strobe.v1.ImageGenerator/unet-without-text-embeds")
                                .build())
                        .getStatus());
    }

    @Test
    void askingForAnUnavailableModelIsNotFoundWithItsReason() {
        GenerateRequest req = GenerateRequest.newBuilder()
                .setPrompt("a fox")
                .setModel("unet-without-text-embeds")
                .setWidth(256)
                .setHeight(256)
                .build();
        Iterator<GenerateEvent> events =
                ImageGeneratorGrpc.newBlockingStub(channel).generate(req);
        StatusRuntimeException e =
                org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, events::hasNext);
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("did not load"),
                e.getStatus().getDescription());
        assertTrue(
                e.getStatus().getDescription().contains("has no input 'text_embeds'"),
                e.getStatus().getDescription());
    }

    // ---- building the damaged folders ----

    interface IoAction {
        void run(Path dir) throws IOException;
    }

    /** A copy of the good model named {@code name}, its manifest changed by {@code edit}. */
    static Path copy(String name, Consumer<ModelManifest> edit) throws IOException {
        return TinyModels.copy(GOOD, repo, name, edit);
    }

    static void damage(String name, Consumer<ModelManifest> edit, IoAction action) throws IOException {
        action.run(copy(name, edit));
    }

    static void rewrite(Path onnx, Consumer<GraphProto.Builder> edit) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(onnx));
        GraphProto.Builder g = m.getGraph().toBuilder();
        edit.accept(g);
        Files.write(onnx, m.toBuilder().setGraph(g).build().toByteArray());
    }

    /** What a user's export with other input names looks like: the graph input and every read of it renamed. */
    static void renameInput(GraphProto.Builder g, String from, String to) {
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(from)) {
                g.setInput(i, g.getInput(i).toBuilder().setName(to));
            }
        }
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(from)) {
                    n.setInput(i, to);
                }
            }
        }
    }

    /** A UNet without the input: the graph reads a constant of zeros instead (a valid graph, still loadable). */
    static void inputToConstant(GraphProto.Builder g, String name) {
        List<ValueInfoProto> kept = new ArrayList<>();
        ValueInfoProto removed = null;
        for (ValueInfoProto v : g.getInputList()) {
            if (v.getName().equals(name)) {
                removed = v;
            } else {
                kept.add(v);
            }
        }
        long width = removed.getType().getTensorType().getShape().getDim(1).getDimValue();
        g.clearInput().addAllInput(kept);
        g.addInitializer(TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1)
                .addDims(width)
                .setRawData(ByteString.copyFrom(new byte[(int) (4 * width)])));
    }

    /** The UNet's weights moved into unet/model.onnx_data, as optimum exports a large UNet. */
    static void externalizeUnet(Path dir) throws IOException {
        Path onnx = dir.resolve("unet/model.onnx");
        OnnxBoundary.Externalized split =
                OnnxBoundary.externalize(ModelProto.parseFrom(Files.readAllBytes(onnx)), "model.onnx_data");
        if (split.data().length == 0) {
            throw new IllegalStateException("the tiny UNet has no weights large enough to move out");
        }
        Files.write(onnx, split.model());
        Files.write(dir.resolve("unet/model.onnx_data"), split.data());
    }
}
