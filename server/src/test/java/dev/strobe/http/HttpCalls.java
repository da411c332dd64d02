package dev.strobe.http;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Calls to a strobe HTTP frontend with the JDK's client, as a user's code would make them. */
final class HttpCalls {
    final HttpClient client;
    final String base;

    HttpCalls(int port) {
        this(
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build(),
                "http://127.0.0.1:" + port);
    }

    HttpCalls(HttpClient client, String base) {
        this.client = client;
        this.base = base;
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return client.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A streamed request's lines, read lazily; close the stream to hang up. */
    HttpResponse<Stream<String>> stream(String body) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create(base + HttpFrontend.IMAGES))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(120))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** The JSON objects of an SSE body's {@code data:} lines, in order. */
    static List<JsonObject> events(String sseBody) {
        List<JsonObject> out = new ArrayList<>();
        for (String line : sseBody.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(JsonParser.parseString(line.substring(6)).getAsJsonObject());
            }
        }
        return out;
    }
}
