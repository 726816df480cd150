package org.tubemail.internal.http;

import org.tubemail.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.monitor.Event;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live events over HTTP (Server-Sent Events) and in Java. */
class EventStreamTest {

    @TempDir
    Path home;

    /** Reads SSE frames ("id", "event", "data" lines up to a blank line) from a stream. */
    private static final class Frames implements AutoCloseable {
        final InputStream body;
        final BufferedReader in;

        Frames(InputStream body) {
            this.body = body;
            this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        /** The next frame with an event (comments and the retry line skipped). */
        Map<String, String> next() throws Exception {
            Map<String, String> f = new java.util.HashMap<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (f.containsKey("event")) {
                        return f;
                    }
                    f.clear();
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    f.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            throw new AssertionError("stream ended");
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private Frames open(OpsFixture ops, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ops.base() + "/api/events")).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<InputStream> r = ops.client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        return new Frames(r.body());
    }

    @Test
    void followsRoutingAndResumesAfterTheLastEventId() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, Map.of("http.events.buffer", "50"))) {
            List<Event> javaSide = new CopyOnWriteArrayList<>();
            try (AutoCloseable sub = ops.server.events().subscribe(javaSide::add);
                 Frames frames = open(ops)) {
                ops.smtp("bob@example.org", "echo@localhost", OpsFixture.mail("bob@example.org", "echo@localhost", "hi", "x"));
                Map<String, String> accepted = frames.next();
                assertEquals("accepted", accepted.get("event"));
                assertTrue(accepted.get("data").contains("\"from\":\"bob@example.org\""), accepted.toString());
                assertTrue(accepted.get("data").contains("\"recipients\":[\"echo@localhost\"]"), accepted.toString());
                List<String> types = new ArrayList<>();
                String lastId = accepted.get("id");
                while (!types.contains("relayed") || !types.contains("routed")) {
                    Map<String, String> f = frames.next();
                    types.add(f.get("event"));
                    lastId = f.get("id");
                }
                // gone for a while: two more messages, one of them undeliverable
                frames.close();
                ops.smtp("bob@example.org", "flaky@localhost", OpsFixture.mail("bob@example.org", "flaky@localhost", "a", "x"));
                ops.smtp("bob@example.org", "echo@localhost", OpsFixture.mail("bob@example.org", "echo@localhost", "b", "x"));
                Eventually.await("the second echo", () -> javaSide.stream().filter(e -> e.type().equals("relayed")).count() == 2);
                try (Frames resumed = open(ops, "Last-Event-ID", lastId)) {
                    Map<String, String> first = resumed.next();
                    assertEquals(Long.parseLong(lastId) + 1, Long.parseLong(first.get("id")), "no event skipped");
                    List<String> after = new ArrayList<>(List.of(first.get("event")));
                    while (after.stream().filter("relayed"::equals).count() < 1) {
                        after.add(resumed.next().get("event"));
                    }
                    assertTrue(after.contains("undeliverable"), after.toString());
                }
            }
            assertEquals(List.of("accepted"), javaSide.stream().limit(1).map(Event::type).toList());
        }
    }

    @Test
    void aReaderFurtherBehindThanTheRingIsToldOfTheGap() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, Map.of("http.events.buffer", "3"))) {
            for (int i = 0; i < 3; i++) {
                ops.smtp("bob@example.org", "echo@localhost", OpsFixture.mail("bob@example.org", "echo@localhost", "m" + i, "x"));
            }
            Eventually.await("9 events", () -> ops.server.events().lastId() >= 9);
            try (Frames frames = open(ops, "Last-Event-ID", "1")) {
                Map<String, String> gap = frames.next();
                assertEquals("gap", gap.get("event"));
                assertTrue(gap.get("data").contains("\"firstMissed\":2"), gap.toString());
                assertEquals(Long.parseLong(Call.JSON.readTree(gap.get("data")).path("lastMissed").asText()) + 1,
                        Long.parseLong(frames.next().get("id")));
            }
            assertEquals(400, ops.get("/api/events", "Last-Event-ID", "abc").statusCode());
        }
    }
}
