package org.tubemail.internal.http;

import org.tubemail.internal.monitor.Event;
import org.tubemail.internal.monitor.EventHub;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/events}: the live events as Server-Sent Events. Each event carries its id; a
 * client that reconnects with {@code Last-Event-ID} (or {@code ?lastEventId=}) gets every event it
 * missed that the ring still holds, and an {@code event: gap} naming the ids it can no longer get.
 * Without either it starts with the next event; {@code ?lastEventId=0} replays the whole ring. The
 * stream reads the ring on its own thread, so it never holds up mail.
 */
final class EventStream {

    private static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private final EventHub hub;
    private final OpsHttpServer http;

    EventStream(EventHub hub, OpsHttpServer http) {
        this.hub = hub;
        this.http = http;
    }

    void serve(Call c) throws IOException, InterruptedException {
        long seen = start(c);
        int limit = http.settings().eventClients();
        if (http.streams().incrementAndGet() > limit) {
            http.streams().decrementAndGet();
            throw new HttpError(503, "too many event-stream clients (http.events.clients = " + limit + ")");
        }
        try {
            var h = c.exchange().getResponseHeaders();
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-store");
            h.set("X-Accel-Buffering", "no");
            c.exchange().sendResponseHeaders(200, 0);
            OutputStream out = c.exchange().getResponseBody();
            write(out, "retry: 2000\n\n");
            while (!http.stopping()) {
                EventHub.Batch b = hub.after(seen, 500, KEEPALIVE);
                StringBuilder s = new StringBuilder();
                if (b.hasGap()) {
                    s.append("event: gap\ndata: ").append(Call.JSON.writeValueAsString(Map.of("firstMissed", b.gapFrom(),
                            "lastMissed", b.gapTo(), "missed", b.gapTo() - b.gapFrom() + 1))).append("\n\n");
                }
                for (Event e : b.events()) {
                    s.append("id: ").append(e.id()).append("\nevent: ").append(e.type()).append("\ndata: ")
                            .append(Call.JSON.writeValueAsString(json(e))).append("\n\n");
                }
                if (s.length() == 0) {
                    s.append(": keep-alive\n\n");
                }
                write(out, s.toString());
                seen = b.lastId(seen);
            }
        } finally {
            http.streams().decrementAndGet();
        }
    }

    /** The event the client saw last: Last-Event-ID, else ?lastEventId=, else the newest now. */
    private long start(Call c) {
        String id = c.header("Last-Event-ID");
        if (id == null) {
            id = c.query().get("lastEventId");
        }
        if (id == null || id.isBlank()) {
            return hub.lastId();
        }
        try {
            long n = Long.parseLong(id.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new HttpError(400, "Last-Event-ID must be an event id (a whole number), not '" + id + "'");
        }
    }

    /** An event as JSON: id, time, type and its fields. */
    static Map<String, Object> json(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("time", e.time().toString());
        m.put("type", e.type());
        m.put("data", e.data());
        return m;
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
