package org.tubemail.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tubemail.internal.config.Settings;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The command line's way into a running server: its JSON API at {@code http.host:http.port},
 * with the {@code http.token} when set. Commands ask it first and read the files themselves when
 * no server answers.
 */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;
    private final boolean enabled;

    ApiClient(Settings s) {
        String host = s.string("http.host", "127.0.0.1");
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        this.base = "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + s.port("http.port", 8827);
        this.token = s.string("http.token", "");
        this.enabled = s.bool("http.enabled", true) && s.port("http.port", 8827) != 0;
    }

    /** The answer to {@code GET path} as JSON; empty when no server answers there. */
    Optional<JsonNode> get(String path) {
        return body(path).map(b -> {
            try {
                return JSON.readTree(b);
            } catch (IOException e) {
                throw new IllegalStateException("the server at " + base + " answered " + path + " with something other than JSON", e);
            }
        });
    }

    /** The text answer to {@code GET path}; empty when no server answers there. */
    Optional<String> body(String path) {
        if (!enabled) {
            return Optional.empty();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Optional.empty(); // nothing listens: the server is stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (r.statusCode() / 100 != 2) {
            String error = r.body();
            try {
                error = JSON.readTree(r.body()).path("error").asText(r.body());
            } catch (IOException e) {
                // keep the raw body
            }
            throw new IllegalArgumentException(error + " (HTTP " + r.statusCode() + " from " + base + path + ")");
        }
        return Optional.of(r.body());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return base;
    }
}
