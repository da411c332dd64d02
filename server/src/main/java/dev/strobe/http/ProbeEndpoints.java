package dev.strobe.http;

import com.google.gson.JsonObject;
import java.util.function.BooleanSupplier;

/**
 * Plain HTTP probes: {@code GET /healthz} is 200 while the process runs (liveness: a draining
 * server is alive); {@code GET /readyz} is 200 once the models are loaded and warmed and until
 * draining starts, else 503 (readiness: load balancers send traffic only then). Stateless.
 */
final class ProbeEndpoints {
    private final BooleanSupplier ready;

    ProbeEndpoints(BooleanSupplier ready) {
        this.ready = ready;
    }

    void healthz(ResponseChannel out) {
        respond(out, 200, "alive");
    }

    void readyz(ResponseChannel out) {
        boolean r = ready.getAsBoolean();
        respond(out, r ? 200 : 503, r ? "ready" : "not ready (starting, warming up or draining)");
    }

    private static void respond(ResponseChannel out, int status, String text) {
        JsonObject o = new JsonObject();
        o.addProperty("status", text);
        out.begin(status, "application/json");
        out.header("Cache-Control", "no-store");
        out.write(SseEventWriter.utf8(o.toString()), true, x -> {});
    }
}
