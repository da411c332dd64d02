package dev.strobe.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.strobe.service.GenerationService;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.UnavailableModel;

/**
 * {@code GET /v1/models}: OpenAI's list shape ({@code object: "list"}, {@code data[]} of
 * {@code {id, object: "model", created, owned_by}}), each with strobe's model details as extra
 * fields (the same facts as gRPC's ListModels), and beside {@code data} an extra
 * {@code unavailable_models[]} of {@code {id, folder, reason}}: the model folders that did not
 * load. Stateless.
 */
final class ModelsEndpoint {
    private final GenerationService service;
    private final long created;

    /** @param created the Unix time reported as every model's {@code created} (the server's start) */
    ModelsEndpoint(GenerationService service, long created) {
        this.service = service;
        this.created = created;
    }

    void list(ResponseChannel out) {
        JsonArray data = new JsonArray();
        for (ModelInfo m : service.models()) {
            JsonObject o = new JsonObject();
            o.addProperty("id", m.name());
            o.addProperty("object", "model");
            o.addProperty("created", created);
            o.addProperty("owned_by", "strobe");
            o.addProperty("family", m.family());
            o.addProperty("steps", m.steps());
            o.addProperty("prediction_type", m.predictionType());
            o.addProperty("timestep_spacing", m.timestepSpacing());
            o.addProperty("min_size", m.minSize());
            o.addProperty("max_size", m.maxSize());
            o.addProperty("size_multiple", m.sizeMultiple());
            o.addProperty("default_size", ImagesRequest.size(m.defaultWidth(), m.defaultHeight()));
            o.addProperty("max_batch", m.maxBatch());
            o.addProperty("engine", m.engine());
            o.addProperty("is_default", m.name().equals(service.defaultModel()));
            data.add(o);
        }
        JsonArray unavailable = new JsonArray();
        for (UnavailableModel u : service.unavailableModels()) {
            JsonObject o = new JsonObject();
            o.addProperty("id", u.name());
            o.addProperty("folder", u.folder());
            o.addProperty("reason", u.reason());
            unavailable.add(o);
        }
        JsonObject body = new JsonObject();
        body.addProperty("object", "list");
        body.add("data", data);
        body.add("unavailable_models", unavailable);
        out.begin(200, "application/json");
        out.write(SseEventWriter.utf8(body.toString()), true, x -> {});
    }
}
