package org.tubemail.internal.http;

import org.tubemail.support.Eventually;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP listener of a running server: health, metrics, the JSON API and its security rules. */
class OpsApiTest extends RunningServerTest {

    @Test
    void healthAndMetricsCountWhatHappens() throws Exception {
        assertEquals(200, ops.get("/health/live").statusCode());
        HttpResponse<String> ready = ops.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(json(ready).path("checks").path("storage").asBoolean());

        assertTrue(ops.smtp("bob@example.org", "echo@localhost", OpsFixture.mail("bob@example.org", "echo@localhost", "hi", "hello"))
                .startsWith("250"));
        // the reply is relayed while the handler runs; its run is counted once it returns
        Eventually.await("the echo handler's run", () -> ops.server.meters().find("tubemail.handler").timer() != null
                && ops.server.meters().find("tubemail.handler").timer().count() == 1);
        String metrics = ops.get("/metrics").body();
        assertTrue(metrics.contains("tubemail_messages_received_total{code=\"250\",result=\"accepted\"} 1.0"), metrics);
        assertTrue(metrics.contains("tubemail_smtp_connections_total 1.0"), metrics);
        assertTrue(metrics.contains("tubemail_messages_routed_total{module=\"echo\",next=\"stateless\",state=\"stateless\"} 1.0"), metrics);
        assertTrue(metrics.contains("tubemail_handler_seconds_bucket{module=\"echo\""), metrics);
        assertTrue(metrics.contains("tubemail_received_bytes_total"), metrics);
        assertTrue(metrics.contains("tubemail_relay_sent_total 1.0"), metrics);
        assertTrue(metrics.contains("tubemail_spool_messages"), metrics);
        assertTrue(metrics.contains("tubemail_spool_oldest_age_seconds"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);

        ops.smtp("bob@example.org", "flaky@localhost", OpsFixture.mail("bob@example.org", "flaky@localhost", "x", "y"));
        Eventually.await("the undeliverable count", () -> ops.server.meters().find("tubemail.undeliverable").counter() != null);
        metrics = ops.get("/metrics").body();
        assertTrue(metrics.contains("tubemail_undeliverable_total{reason=\"handler_failed\"} 1.0"), metrics);
        assertTrue(metrics.contains("tubemail_state_store_seconds_count"), metrics);
    }

    private static JsonNode method(JsonNode explain, String state) {
        for (JsonNode m : explain.path("matches")) {
            if (m.path("state").asText().equals(state)) {
                return m;
            }
        }
        throw new AssertionError("no method for state " + state + " in " + explain);
    }

    @Test
    void routesExplainAndState() throws Exception {
        JsonNode routes = json(ops.get("/api/routes"));
        assertTrue(routes.path("routes").toString().contains("\"route\":\"echo@(host)\""), routes.toString());
        JsonNode explain = json(ops.get("/api/routes/explain?address=flaky@localhost&sender=ann@example.org"));
        assertEquals("START", method(explain, "START").path("currentState").asText());
        assertTrue(method(explain, "START").path("wouldRun").asBoolean());
        assertFalse(method(explain, "DONE").path("wouldRun").asBoolean());
        assertFalse(json(ops.get("/api/routes/explain?address=nobody@localhost")).path("accepted").asBoolean());
        assertEquals(400, ops.get("/api/routes/explain").statusCode());

        String module = "flaky";
        String path = "/api/state/" + module + "/ann@example.org";
        assertEquals("START", json(ops.get(path)).path("state").asText());
        assertEquals(200, ops.change("PUT", path, "{\"state\":\"DONE\"}").statusCode());
        assertEquals("DONE", ops.server.router().storage().get(module, "ann@example.org"));
        assertTrue(method(json(ops.get("/api/routes/explain?address=flaky@localhost&sender=ann@example.org")), "DONE")
                .path("wouldRun").asBoolean());
        assertEquals(200, ops.change("DELETE", path, null).statusCode());
        assertEquals("START", ops.server.router().storage().get(module, "ann@example.org"));

        assertEquals(404, ops.change("PUT", "/api/state/NoSuchModule/ann@example.org", "{\"state\":\"X\"}").statusCode());
        HttpResponse<String> bad = ops.change("PUT", path, "{\"state\":\"<script>\"}");
        assertEquals(400, bad.statusCode());
        HttpResponse<String> notJson = ops.change("PUT", path, "{nope");
        assertEquals(400, notJson.statusCode());
        assertTrue(json(notJson).path("error").asText().startsWith("the body is not valid JSON"), notJson.body());
        assertFalse(notJson.body().contains("at com.") || notJson.body().contains("at org."), notJson.body());
    }

    @Test
    void stateChangesNeedTheCsrfHeaderAndASameSiteOrigin() throws Exception {
        String path = "/api/state/" + "flaky" + "/eve@example.org";
        HttpResponse<String> none = ops.call("PUT", path, "{\"state\":\"DONE\"}", "Content-Type", "application/json");
        assertEquals(403, none.statusCode());
        assertTrue(json(none).path("error").asText().contains("X-Tubemail-CSRF"), none.body());
        assertEquals(403, ops.call("PUT", path, "{\"state\":\"DONE\"}", OpsHttpServer.CSRF_HEADER, "guess").statusCode());
        assertEquals(403, ops.call("PUT", path, "{\"state\":\"DONE\"}", OpsHttpServer.CSRF_HEADER, ops.csrf(),
                "Origin", "http://evil.example").statusCode());
        assertEquals(403, ops.call("DELETE", "/api/queues/undeliverable/x", null).statusCode());
        assertEquals("START", ops.server.router().storage().get("flaky", "eve@example.org"));
    }

    @Test
    void aForeignHostNameIsRefusedAgainstDnsRebinding() throws Exception {
        // java.net.http refuses to set Host, so this speaks HTTP/1.1 itself
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", ops.server.httpPort())) {
            s.getOutputStream().write("GET /api/status HTTP/1.1\r\nHost: rebind.evil.example\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 421"), answer);
            assertTrue(answer.contains("\"error\""), answer);
        }
    }

    @Test
    void queuesListShowRequeueAndDelete() throws Exception {
        ops.smtp("bob@example.org", "flaky@localhost", OpsFixture.mail("bob@example.org", "flaky@localhost", "try me", "body"));
        Eventually.await("the undeliverable message", () -> ops.server.router().undeliverableQueue().count() == 1);
        JsonNode list = json(ops.get("/api/queues/undeliverable?limit=10"));
        assertEquals(1, list.path("total").asInt());
        JsonNode item = list.path("items").get(0);
        assertEquals("try me", item.path("subject").asText());
        assertTrue(item.path("reason").asText().contains("told to fail"), item.toString());
        String key = item.path("key").asText();

        JsonNode shown = json(ops.get("/api/queues/undeliverable/" + key));
        assertEquals("bob@example.org", shown.path("envelope").path("from").asText());
        assertTrue(shown.path("text").asText().contains("body"));
        assertTrue(shown.path("headers").toString().contains("Received"), shown.toString());
        HttpResponse<String> raw = ops.get("/api/queues/undeliverable/" + key + "/raw");
        assertTrue(raw.body().contains("Subject: try me"));
        assertTrue(raw.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox"));

        FlakyHandler.FAIL.set(false);
        assertEquals("ERROR", json(ops.get("/api/state/flaky/bob@example.org")).path("state").asText());
        assertEquals(200, ops.change("DELETE", "/api/state/flaky/bob@example.org", null).statusCode());
        HttpResponse<String> requeued = ops.change("POST", "/api/queues/undeliverable/" + key + "/requeue", null);
        assertEquals(200, requeued.statusCode(), requeued.body());
        assertTrue(json(requeued).path("handled").asBoolean(), requeued.body());
        assertEquals(0, ops.server.router().undeliverableQueue().count());
        assertEquals(404, ops.change("POST", "/api/queues/undeliverable/" + key + "/requeue", null).statusCode());

        JsonNode outbox = json(ops.get("/api/queues/outbox"));
        assertEquals(1, outbox.path("total").asInt());
        assertEquals("Re: try me", outbox.path("items").get(0).path("subject").asText());
        String reply = outbox.path("items").get(0).path("key").asText();
        assertEquals(400, ops.change("POST", "/api/queues/outbox/" + reply + "/requeue", null).statusCode());
        assertEquals(200, ops.change("DELETE", "/api/queues/outbox/" + reply, null).statusCode());
        assertEquals(0, json(ops.get("/api/queues")).path("queues").path("outbox").asInt());

        assertEquals(404, ops.get("/api/queues/nope").statusCode());
        assertEquals(404, ops.get("/api/queues/outbox/..%2F..%2Fetc%2Fpasswd").statusCode());
        assertEquals(400, ops.get("/api/queues/outbox?limit=0").statusCode());
        assertEquals(405, ops.call("PATCH", "/api/queues/outbox", null).statusCode());
    }

    @Test
    void statusNamesListenersQueuesStorageAndCryptoProvider() throws Exception {
        JsonNode status = json(ops.get("/api/status"));
        assertEquals(ops.server.smtpPort(), status.path("listeners").get(0).path("port").asInt());
        assertTrue(status.path("storage").path("ok").asBoolean());
        assertEquals(0, status.path("queues").path("undeliverable").asInt());
        assertTrue(status.path("uptimeSeconds").isNumber());
        // the crypto provider the server runs on: the native one unless the suite runs on the JDK's
        boolean nativeProvider = org.tubemail.support.OtherCryptoProvider.suiteMode() == org.tubemail.internal.crypto.CryptoProvider.Mode.NATIVE;
        assertEquals(nativeProvider, status.path("crypto").path("native").asBoolean(), status.path("crypto").toString());
        assertEquals(nativeProvider ? "AmazonCorrettoCryptoProvider" : "JDK", status.path("crypto").path("provider").asText());
    }

    @Test
    void aTokenGuardsTheApiAndIsRequiredBeyondLoopback(@TempDir Path other) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> TubemailServer.configure(Settings.of("ops-test", other,
                Map.of("http.host", "0.0.0.0", "http.port", "0", "handlers", "org.tubemail.examples.echo.EchoHandler",
                        "storage.kind", "memory"))));
        assertTrue(e.getMessage().contains("http.token"), e.getMessage());
        try (OpsFixture guarded = new OpsFixture(other, Map.of("http.token", "0123456789abcdef0123"))) {
            HttpResponse<String> denied = guarded.get("/api/status");
            assertEquals(401, denied.statusCode());
            assertTrue(denied.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertEquals(401, guarded.get("/metrics", "Authorization", "Bearer wrong-token-wrong-token").statusCode());
            assertEquals(200, guarded.get("/api/status", "Authorization", "Bearer 0123456789abcdef0123").statusCode());
            assertEquals(200, guarded.get("/health/live").statusCode());
            String path = "/api/state/" + "flaky" + "/x@example.org";
            assertEquals(200, guarded.call("PUT", path, "{\"state\":\"DONE\"}", "Authorization", "Bearer 0123456789abcdef0123")
                    .statusCode(), "a Bearer call needs no CSRF header");
        }
    }
}
