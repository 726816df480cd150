package org.tubemail.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.HandlerModule;
import org.tubemail.internal.routing.RouteCheck;
import org.tubemail.internal.routing.StateMethod;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The JSON API, the health checks and the metrics (the README lists every call with an example). */
final class Api {

    /** A state name as handlers return it: a Java identifier-like word. */
    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,99}");
    private static final String UNDELIVERABLE = "undeliverable";
    private static final String RELAY_RETRY = "relay-retry";

    private final OpsContext ctx;
    private final OpsHttpServer http;

    Api(OpsContext ctx, OpsHttpServer http) {
        this.ctx = ctx;
        this.http = http;
    }

    void register() {
        http.add("GET", "/health/live", OpsHttpServer.Access.OPEN, c -> c.json(200, Map.of("status", "UP")));
        http.add("GET", "/health/ready", OpsHttpServer.Access.OPEN, this::ready);
        http.add("GET", "/metrics", OpsHttpServer.Access.API,
                c -> c.send(200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics().orElseThrow(() -> new HttpError(404,
                        "the meters go to the application's registry, which has no Prometheus one: scrape the application"
                                + " (Spring Boot: /actuator/prometheus with micrometer-registry-prometheus)")).scrape().getBytes(StandardCharsets.UTF_8)));
        http.add("GET", "/api/status", OpsHttpServer.Access.API, c -> c.json(200, ctx.status().get()));
        http.add("GET", "/api/routes", OpsHttpServer.Access.API, this::routes);
        http.add("GET", "/api/routes/explain", OpsHttpServer.Access.API, this::explain);
        http.add("GET", "/api/state/{module}/{key}", OpsHttpServer.Access.API, this::getState);
        http.add("PUT", "/api/state/{module}/{key}", OpsHttpServer.Access.API, this::setState);
        http.add("DELETE", "/api/state/{module}/{key}", OpsHttpServer.Access.API, this::clearState);
        http.add("GET", "/api/graph", OpsHttpServer.Access.API, this::graphs);
        http.add("GET", "/api/graph/{module}", OpsHttpServer.Access.API,
                c -> c.json(200, GraphView.of(handlerModule(c), storage(), ctx.router().errorState())));
        http.add("GET", "/api/queues", OpsHttpServer.Access.API, this::queues);
        http.add("GET", "/api/queues/{queue}", OpsHttpServer.Access.API, this::list);
        http.add("POST", "/api/queues/relay-retry/requeue-dead", OpsHttpServer.Access.API, this::requeueAllDead);
        http.add("GET", "/api/queues/{queue}/{key}", OpsHttpServer.Access.API, this::show);
        http.add("GET", "/api/queues/{queue}/{key}/raw", OpsHttpServer.Access.API, this::raw);
        http.add("GET", "/api/queues/{queue}/{key}/html", OpsHttpServer.Access.API, this::html);
        http.add("POST", "/api/queues/{queue}/{key}/requeue", OpsHttpServer.Access.API, this::requeue);
        http.add("DELETE", "/api/queues/{queue}/{key}", OpsHttpServer.Access.API, this::delete);
        http.add("GET", "/api/events", OpsHttpServer.Access.API, new EventStream(ctx.events(), http)::serve);
    }

    private void ready(Call c) throws Exception {
        Map<String, Boolean> checks = ctx.ready().get();
        boolean ok = checks.values().stream().allMatch(Boolean::booleanValue);
        c.json(ok ? 200 : 503, Map.of("status", ok ? "UP" : "DOWN", "checks", checks));
    }

    private void routes(Call c) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateMethod m : ctx.router().routes()) {
            out.add(Map.of("route", m.route().source(), "module", m.module().name(), "state", m.isStateless() ? "" : m.state(),
                    "method", m.qualifiedName(), "stateless", m.isStateless(), "noLocking", m.isNoLocking()));
        }
        c.json(200, Map.of("routes", out));
    }

    private void explain(Call c) throws Exception {
        String address = c.required("address");
        String sender = c.query("sender", "someone@example.org");
        List<RouteCheck> checks;
        try {
            checks = ctx.router().explain(address, sender);
        } catch (MailParseException | IllegalArgumentException e) {
            throw new HttpError(400, "cannot explain <" + address + "> from <" + sender + ">: " + e.getMessage());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (RouteCheck r : checks) {
            out.add(Map.of("route", r.method().route().source(), "method", r.method().qualifiedName(),
                    "module", r.method().module().name(), "state", r.method().isStateless() ? "" : r.method().state(),
                    "captures", r.captures(), "stateKey", r.stateKey(), "currentState", r.currentState(), "wouldRun", r.wouldRun()));
        }
        c.json(200, Map.of("address", address, "sender", sender, "accepted", !out.isEmpty(), "matches", out));
    }

    private StateStorage storage() {
        return ctx.router().storage();
    }

    private void getState(Call c) throws Exception {
        String module = module(c);
        c.json(200, Map.of("module", module, "key", c.path("key"), "state", storage().get(module, c.path("key"))));
    }

    private void setState(Call c) throws Exception {
        String module = module(c);
        JsonNode body = c.jsonBody();
        String state = body.path("state").asText("");
        if (!STATE_NAME.matcher(state).matches()) {
            throw new HttpError(400, "body must be {\"state\": NAME}, NAME a state name such as START or ERROR");
        }
        ctx.router().stateChanges().set(module, c.path("key"), state); // never in the middle of a message routed for the key
        c.json(200, Map.of("module", module, "key", c.path("key"), "state", state));
    }

    private void clearState(Call c) throws Exception {
        String module = module(c);
        ctx.router().stateChanges().set(module, c.path("key"), StateStorage.START);
        c.json(200, Map.of("module", module, "key", c.path("key"), "state", StateStorage.START));
    }

    /** The name of the module named in the path, which must be one the router knows (so typos do not create states). */
    private String module(Call c) {
        return handlerModule(c).name();
    }

    private HandlerModule handlerModule(Call c) {
        String module = c.path("module");
        return ctx.router().modules().stream().filter(m -> m.name().equals(module)).findFirst()
                .orElseThrow(() -> new HttpError(404, "no handler module named '" + module + "'; GET /api/routes lists them"));
    }

    /** Every module with states. */
    private void graphs(Call c) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HandlerModule m : ctx.router().modules()) {
            if (!m.states().isEmpty()) {
                out.add(GraphView.of(m, storage(), ctx.router().errorState()));
            }
        }
        c.json(200, Map.of("modules", out));
    }

    private void queues(Call c) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        ctx.queues().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.put(e.getKey(), e.getValue().count()));
        c.json(200, Map.of("queues", out));
    }

    private MessageQueue queue(Call c) {
        MessageQueue q = ctx.queues().get(c.path("queue"));
        if (q == null) {
            throw new HttpError(404, "no queue named '" + c.path("queue") + "'; the queues are " + new java.util.TreeSet<>(ctx.queues().keySet()));
        }
        return q;
    }

    private void list(Call c) throws Exception {
        MessageQueue q = queue(c);
        int offset = c.number("offset", 0, 0, Integer.MAX_VALUE);
        int limit = c.number("limit", 50, 1, 500);
        String order = c.query("order", "newest");
        if (!order.equals("newest") && !order.equals("oldest")) {
            throw new HttpError(400, "query parameter 'order' must be newest or oldest");
        }
        List<String> keys = new ArrayList<>(q.keys());
        if (order.equals("newest")) {
            Collections.reverse(keys);
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (String key : keys.subList(Math.min(offset, keys.size()), Math.min(keys.size(), offset + limit))) {
            q.get(key).ifPresent(m -> items.add(MessageView.summary(key, m)));
        }
        c.json(200, Map.of("queue", c.path("queue"), "total", keys.size(), "offset", offset, "limit", limit, "items", items));
    }

    private byte[] message(Call c) {
        return queue(c).get(c.path("key")).orElseThrow(() -> new HttpError(404, "no message '" + c.path("key") + "' in " + c.path("queue")));
    }

    private void show(Call c) throws Exception {
        c.json(200, MessageView.full(c.path("queue"), c.path("key"), message(c)));
    }

    private void raw(Call c) throws Exception {
        byte[] m = message(c);
        c.exchange().getResponseHeaders().set("Content-Security-Policy", "sandbox; default-src 'none'");
        c.send(200, "text/plain; charset=utf-8", m);
    }

    /**
     * The HTML body, for a sandboxed frame: the CSP forbids every script and every load from
     * elsewhere (a tracking pixel, a style sheet), and {@code sandbox} gives it an origin of its own.
     */
    private void html(Call c) throws Exception {
        String html = MessageView.html(message(c));
        var h = c.exchange().getResponseHeaders();
        h.set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'");
        h.set("X-Frame-Options", "SAMEORIGIN");
        c.send(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void requeue(Call c) throws Exception {
        String name = c.path("queue");
        if (name.equals(RELAY_RETRY)) {
            MessageQueue q = queue(c);
            var relay = ctx.smtpRelay().orElseThrow(() -> new HttpError(409, "no smarthost relay is configured"));
            if (q.get(c.path("key")).isEmpty()) {
                throw new HttpError(404, "no message '" + c.path("key") + "' in " + name);
            }
            if (!relay.requeueDeadLetter(c.path("key"))) {
                throw new HttpError(409, "message '" + c.path("key") + "' is not a dead letter; it is retried on its own");
            }
            c.json(200, Map.of("requeued", c.path("key")));
            return;
        }
        if (!name.equals(UNDELIVERABLE)) {
            throw new HttpError(400, "only undeliverable messages and relay dead letters can be requeued, not '" + name + "'");
        }
        MessageQueue q = queue(c);
        Optional<MessageQueue.QueuedMessage> claimed = q.claim(c.path("key"));
        if (claimed.isEmpty()) {
            throw new HttpError(q.get(c.path("key")).isPresent() ? 409 : 404, "message '" + c.path("key") + "' is gone or being requeued");
        }
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(claimed.get().message());
        MailRequest request;
        try {
            if (MessageView.envelope(u).isEmpty()) {
                throw new MailParseException("it has no envelope", null);
            }
            request = MailRequest.parse(MessageView.envelope(u).get(), u.message());
        } catch (MailParseException e) {
            q.push(claimed.get().message());
            q.remove(c.path("key"));
            throw new HttpError(422, "cannot route message '" + c.path("key") + "' again: " + e.getMessage());
        }
        DeliveryReport report;
        try {
            report = ctx.router().deliver(request);
        } catch (RuntimeException e) { // storage away: the message goes back, under a new key
            String back = q.push(claimed.get().message());
            q.remove(c.path("key"));
            throw new HttpError(503, "cannot route now (" + e.getMessage() + "); the message is back as " + back);
        }
        q.remove(c.path("key"));
        List<Map<String, Object>> results = new ArrayList<>();
        report.results().forEach(r -> results.add(Map.of("recipient", r.recipient(), "status", r.status().name(), "ran", r.ran(),
                "reason", r.reason())));
        c.json(200, Map.of("requeued", c.path("key"), "handled", report.allHandled(), "results", results));
    }

    private void requeueAllDead(Call c) throws Exception {
        var relay = ctx.smtpRelay().orElseThrow(() -> new HttpError(409, "no smarthost relay is configured"));
        c.json(200, Map.of("requeued", relay.requeueDeadLetters()));
    }

    private void delete(Call c) throws Exception {
        if (!queue(c).remove(c.path("key"))) {
            throw new HttpError(404, "no message '" + c.path("key") + "' in " + c.path("queue"));
        }
        c.json(200, Map.of("deleted", c.path("key")));
    }
}
