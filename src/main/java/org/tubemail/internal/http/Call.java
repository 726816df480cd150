package org.tubemail.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP request and its answer: parameters, body and the ways to reply. */
final class Call {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Largest request body read (JSON calls and forms are small). */
    private static final int MAX_BODY = 64 * 1024;

    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private byte[] body;

    Call(HttpExchange exchange, Map<String, String> pathParams) {
        this.exchange = exchange;
        this.pathParams = pathParams;
    }

    HttpExchange exchange() {
        return exchange;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    Map<String, String> pathParams() {
        return pathParams;
    }

    String path(String name) {
        return pathParams.get(name);
    }

    /** A request header, or null. */
    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The query parameters (first value of each). */
    Map<String, String> query() {
        return decodeForm(exchange.getRequestURI().getRawQuery());
    }

    /** A query parameter, or {@code fallback}. */
    String query(String name, String fallback) {
        return query().getOrDefault(name, fallback);
    }

    /** A query parameter that must be present. */
    String required(String name) {
        String v = query().get(name);
        if (v == null || v.isBlank()) {
            throw new HttpError(400, "query parameter '" + name + "' is required");
        }
        return v;
    }

    /** A whole-number query parameter in {@code [min, max]}, or {@code fallback}. */
    int number(String name, int fallback, int min, int max) {
        String v = query().get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new HttpError(400, "query parameter '" + name + "' must be a whole number from " + min + " to " + max);
    }

    /** The request body (at most 64 KiB). */
    byte[] body() throws IOException {
        if (body == null) {
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw new HttpError(413, "request body larger than " + MAX_BODY + " bytes");
            }
        }
        return body;
    }

    /** The body as a JSON object. */
    JsonNode jsonBody() throws IOException {
        byte[] b = body();
        try {
            JsonNode n = JSON.readTree(b);
            if (n == null || !n.isObject()) {
                throw new HttpError(400, "the body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The fields of a form-encoded body. */
    Map<String, String> form() throws IOException {
        String type = header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        return decodeForm(new String(body(), StandardCharsets.UTF_8));
    }

    static Map<String, String> decodeForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "malformed percent-encoding in the query or form");
            }
        }
        return out;
    }

    /** Answers with {@code value} as JSON. */
    void json(int status, Object value) throws IOException {
        send(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
    }

    /** Answers with {@code body}. */
    void send(int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (method().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
