package org.tubemail.internal.relay;

import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.ConfiguredRoute;
import org.tubemail.mail.MailRequest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Forwards messages to web applications as a signed JSON POST ({@link WebhookPayload}), never
 * losing one: {@link #forward} returns once the endpoint answered {@code 2xx} or the payload is
 * stored in the durable retry queue, and throws {@link RelayException} otherwise (the handler then
 * fails and the message goes to the undeliverable queue). Any other status, a timeout, a refused or
 * reset connection is retried with the relay's machinery ({@link RetryQueue}, {@link RetryPolicy}:
 * 30 s, 1 min, 5 min, ... up to 5 days by default), after which the payload stays in the queue as a
 * dead letter.
 *
 * <p>Each attempt is signed anew: {@code X-Tubemail-Timestamp} (Unix seconds) and
 * {@code X-Tubemail-Signature: v1=HEX}, the HMAC-SHA256 of {@code TIMESTAMP + "." + BODY} under the
 * endpoint's secret; {@code X-Tubemail-Delivery} repeats the payload's {@code id}, the same for every
 * attempt, so that a receiver can drop repeats (delivery is at least once).
 *
 * <p>The first attempt runs in the calling (routing) thread and waits at most the endpoint's
 * timeout; retries run on one background thread.
 */
public final class WebhookForwarder implements AutoCloseable {

    private final Map<String, WebhookEndpoint> endpoints = new LinkedHashMap<>();
    private final HttpClient http;
    private final RetryQueue retries;

    /**
     * @param endpoints  the webhooks, by name
     * @param retryQueue where payloads wait for another attempt (durable: a {@link org.tubemail.internal.queue.MaildirQueue})
     * @param policy     when to try again
     */
    public WebhookForwarder(List<WebhookEndpoint> endpoints, MessageQueue retryQueue, RetryPolicy policy) {
        endpoints.forEach(e -> this.endpoints.put(e.name(), e));
        Duration connect = endpoints.stream().map(WebhookEndpoint::timeout).max(Duration::compareTo).orElse(Duration.ofSeconds(10));
        this.http = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER).build();
        this.retries = new RetryQueue("webhooks", retryQueue, policy, this::attempt, connect.plusSeconds(1));
    }

    /** With the standard retry policy. */
    public WebhookForwarder(List<WebhookEndpoint> endpoints, MessageQueue retryQueue) {
        this(endpoints, retryQueue, RetryPolicy.standard());
    }

    /**
     * Posts {@code request} (for its current recipient, {@link MailRequest#to()}) to the webhook named
     * {@code webhook}, or queues it for retry.
     *
     * @throws RelayException when it can neither be posted nor queued
     */
    public void forward(MailRequest request, String webhook) {
        WebhookEndpoint endpoint = endpoints.get(webhook);
        if (endpoint == null) {
            throw new IllegalArgumentException("no webhook named '" + webhook + "'; known: " + endpoints.keySet());
        }
        retries.deliver(WebhookPayload.of(request, endpoint), request.from(), List.of(webhook));
    }

    /**
     * A handler that forwards every message for {@code route} to the webhook named {@code webhook}
     * (module name {@code forward.http.WEBHOOK}), for {@link org.tubemail.internal.routing.Router.Builder#handlers}.
     */
    public ConfiguredRoute route(String webhook, String route) {
        if (!endpoints.containsKey(webhook)) {
            throw new IllegalArgumentException("no webhook named '" + webhook + "'; known: " + endpoints.keySet());
        }
        return new ConfiguredRoute() {
            @Override
            public String name() {
                return "forward.http." + webhook;
            }

            @Override
            public String route() {
                return route;
            }

            @Override
            public void handle(MailRequest request, Map<String, String> captures) {
                forward(request, webhook);
            }
        };
    }

    /** One POST of a stored payload to each named webhook (normally one). */
    private RetryQueue.Outcome attempt(byte[] payload, String from, List<String> webhooks) {
        List<String> sent = new java.util.ArrayList<>();
        List<String> retry = new java.util.ArrayList<>();
        String error = "";
        for (String name : webhooks) {
            WebhookEndpoint endpoint = endpoints.get(name);
            String failure = endpoint == null ? "no webhook named '" + name + "' is configured" : post(endpoint, payload);
            if (failure.isEmpty()) {
                sent.add(name);
            } else {
                retry.add(name);
                error = failure;
            }
        }
        return new RetryQueue.Outcome(sent, retry, List.of(), error);
    }

    /** Posts once; returns {@code ""} on a 2xx answer, else what went wrong. */
    private String post(WebhookEndpoint endpoint, byte[] payload) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(endpoint.url())
                .timeout(endpoint.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Tubemail-Webhook/1")
                .header("X-Tubemail-Timestamp", timestamp)
                .header("X-Tubemail-Signature", "v1=" + sign(endpoint.secret(), timestamp, payload))
                .header("X-Tubemail-Delivery", WebhookPayload.idOf(payload))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                return "";
            }
            String body = response.body() == null ? "" : response.body().strip();
            return "HTTP " + response.statusCode() + " from " + endpoint + (body.isEmpty() ? "" : ": "
                    + body.substring(0, Math.min(200, body.length())));
        } catch (IOException e) {
            return e.getClass().getSimpleName() + " posting to " + endpoint + ": " + reason(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while posting to " + endpoint;
        }
    }

    /** What went wrong, from the innermost cause that says something (the JDK's HttpClient often throws with no message). */
    private static String reason(Throwable e) {
        String said = null;
        for (Throwable t = e; t != null && said == null; t = t.getCause() == t ? null : t.getCause()) {
            said = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
        }
        if (said != null) return said;
        return e instanceof java.net.ConnectException ? "could not connect (refused or unreachable)" : "no reason given";
    }

    /** The hex HMAC-SHA256 of {@code timestamp + "." + body} under {@code secret}, as receivers compute it. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Makes every dead letter in the retry queue due again.
     *
     * @return how many there were
     */
    public int requeueDeadLetters() {
        return retries.requeueDeadLetters();
    }

    /** Where payloads wait for another attempt. */
    public MessageQueue retryQueue() {
        return retries.queue();
    }

    /** Stops retrying; what is queued stays queued for the next start. */
    @Override
    public void close() {
        retries.close();
    }
}
