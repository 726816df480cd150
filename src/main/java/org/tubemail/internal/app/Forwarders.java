package org.tubemail.internal.app;

import org.tubemail.internal.config.Settings;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.relay.RetryPolicy;
import org.tubemail.internal.relay.WebhookEndpoint;
import org.tubemail.internal.relay.WebhookForwarder;
import org.tubemail.internal.routing.ConfiguredRoute;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Builds webhook forwarding from the settings: {@code forward.http.NAME=URL} posts mail for
 * {@code forward.http.NAME.route} (default {@code NAME@(host)}) to the URL, signed with
 * {@code forward.http.NAME.secret}; {@code .timeout.seconds} (10), {@code .attachment.max.bytes}
 * (1 MiB), {@code .raw} ({@code false}). Payloads waiting for a retry are kept in
 * {@code queue.forward.retry} ({@code run/forward-retry}).
 */
final class Forwarders {

    private static final String PREFIX = "forward.http.";

    /**
     * The forwarder and its routes.
     *
     * @param forwarder posts and retries
     * @param routes    one handler per webhook
     */
    record Forwarding(WebhookForwarder forwarder, List<ConfiguredRoute> routes) {
    }

    private Forwarders() {
    }

    /**
     * {@code forward.retry.seconds} (the waits after the first, second, ... failure, the last one
     * repeating; default 30, 60, 300, 900, 1800, 3600) and {@code forward.retry.max.hours} (120).
     */
    private static RetryPolicy retryPolicy(Settings s) {
        RetryPolicy standard = RetryPolicy.standard();
        List<String> seconds = s.list("forward.retry.seconds", "");
        List<Duration> delays = new ArrayList<>();
        for (String v : seconds) {
            try {
                delays.add(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                throw s.invalid("forward.retry.seconds", "a comma-separated list of whole seconds, e.g. 30,60,300");
            }
            if (delays.get(delays.size() - 1).isNegative() || delays.get(delays.size() - 1).isZero()) {
                throw s.invalid("forward.retry.seconds", "a comma-separated list of positive whole seconds, e.g. 30,60,300");
            }
        }
        return new RetryPolicy(delays.isEmpty() ? standard.delays() : delays,
                Duration.ofHours(s.integer("forward.retry.max.hours", 120, 1, 24 * 365)),
                delays.isEmpty() ? standard.scanInterval() : Collections.min(List.of(standard.scanInterval(), delays.get(0))));
    }

    /** Whether any webhook is configured. */
    static boolean configured(Settings s) {
        return s.withPrefix(PREFIX).keySet().stream().anyMatch(name -> !name.contains("."));
    }

    /**
     * The configured webhooks; {@code null} when there are none.
     *
     * @param retryQueue where payloads wait for a retry; null for {@code queue.forward.retry}
     */
    static Forwarding create(Settings s, MessageQueue retryQueue) {
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        for (Map.Entry<String, String> e : s.withPrefix(PREFIX).entrySet()) {
            String name = e.getKey();
            if (name.contains(".")) {
                continue; // a setting of a webhook, read below
            }
            String key = PREFIX + name;
            URI url;
            try {
                url = new URI(e.getValue());
            } catch (URISyntaxException ex) {
                throw s.invalid(key, "an http or https URL (" + ex.getReason() + ")");
            }
            String secret = s.string(key + ".secret", "");
            if (secret.length() < 16) {
                throw s.invalid(key + ".secret", "a signing secret of at least 16 characters, e.g. ${env:WEBHOOK_SECRET}");
            }
            try {
                endpoints.add(new WebhookEndpoint(name, url, secret, s.seconds(key + ".timeout.seconds", Duration.ofSeconds(10), false),
                        s.bytes(key + ".attachment.max.bytes", 1024 * 1024), s.bool(key + ".raw", false)));
            } catch (IllegalArgumentException ex) {
                throw s.invalid(key, "an absolute http or https URL");
            }
            routes.add(s.string(key + ".route", name + "@(host)"));
        }
        if (endpoints.isEmpty()) {
            return null;
        }
        WebhookForwarder forwarder = new WebhookForwarder(endpoints,
                retryQueue != null ? retryQueue : new MaildirQueue(QueueFolders.path(s, "forward-retry")),
                retryPolicy(s));
        List<ConfiguredRoute> handlers = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            handlers.add(forwarder.route(endpoints.get(i).name(), routes.get(i)));
        }
        return new Forwarding(forwarder, handlers);
    }
}
