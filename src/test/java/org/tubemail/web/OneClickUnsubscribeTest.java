package org.tubemail.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.boot.Boot;
import org.tubemail.boot.BootContext;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8058 one-click unsubscribe served by a running server: GET asks, POST unsubscribes, tokens cannot be forged. */
class OneClickUnsubscribeTest {

    static final Set<String> MEMBERS = ConcurrentHashMap.newKeySet();
    static volatile OneClickUnsubscribe unsubscribe;

    /** Wires the pages as an application would, in its boot hook. */
    public static class Wiring implements Boot {
        @Override
        public void boot(BootContext context) throws Exception {
            context.handlers().add(new org.tubemail.examples.echo.EchoHandler(context.relay()));
            io.micrometer.core.instrument.Counter done = context.meters().counter("app.unsubscribes"); // an application's own meter
            unsubscribe = new OneClickUnsubscribe(context.web(), SignedTokens.withKeyFile(context.dataDir().resolve("unsubscribe.key")),
                    (list, member) -> {
                        done.increment();
                        return MEMBERS.remove(list + "/" + member);
                    });
        }
    }

    @TempDir
    Path home;

    @Test
    void getAsksPostUnsubscribesAndForgedTokensAreRefused() throws Exception {
        MEMBERS.addAll(Set.of("dev/bob@example.org", "dev/ann@example.org"));
        TubemailServer server = TubemailServer.configure(Settings.of("unsubscribe-test", home, Map.of("receiver.smtp.port", "0",
                "http.port", "0", "storage.kind", "memory", "boot.class", Wiring.class.getName(),
                "http.public.url", "https://lists.example.com/")));
        server.start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            Map<String, String> headers = unsubscribe.headers("dev", "bob@example.org", "dev-unsubscribe@lists.example.com");
            String url = unsubscribe.url("dev", "bob@example.org").orElseThrow();
            assertTrue(url.startsWith("https://lists.example.com/lists/dev/unsubscribe?token="), url);
            assertEquals("<" + url + ">, <mailto:dev-unsubscribe@lists.example.com>", headers.get("List-Unsubscribe"));
            assertEquals("List-Unsubscribe=One-Click", headers.get("List-Unsubscribe-Post"));
            String local = "http://127.0.0.1:" + server.httpPort() + url.substring("https://lists.example.com".length());

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(local)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("bob@example.org") && page.body().contains("method=\"post\""), page.body());
            assertTrue(MEMBERS.contains("dev/bob@example.org"), "GET changes nothing");

            HttpRequest oneClick = HttpRequest.newBuilder(URI.create(local)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
            HttpResponse<String> done = client.send(oneClick, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, done.statusCode(), done.body());
            assertFalse(MEMBERS.contains("dev/bob@example.org"));
            assertTrue(MEMBERS.contains("dev/ann@example.org"));
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("app_unsubscribes_total 1.0"), "the application's meter is scraped with the server's");

            // bob's token edited to name ann, bob's token used on another list, a cut token: all refused
            String bobToken = unsubscribe.token("dev", "bob@example.org");
            String annWithBobsMac = unsubscribe.token("dev", "ann@example.org").split("\\.")[0] + "." + bobToken.split("\\.")[1];
            for (String bad : new String[]{"/lists/dev/unsubscribe?token=" + annWithBobsMac, "/lists/ops/unsubscribe?token=" + bobToken,
                    "/lists/dev/unsubscribe?token=" + bobToken.substring(0, bobToken.length() - 3), "/lists/dev/unsubscribe"}) {
                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + bad))
                        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, refused.statusCode(), bad);
            }
            assertTrue(MEMBERS.contains("dev/ann@example.org"));
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
        // the key survives a restart, so links already sent keep working
        SignedTokens again = SignedTokens.withKeyFile(home.resolve("run/data/unsubscribe.key"));
        assertTrue(again.verify(unsubscribe.token("dev", "bob@example.org").split("\\.")[1], "dev", "bob@example.org"));
        assertNotEquals(again.sign("dev", "a"), again.sign("de", "va"), "values are delimited before signing");
    }
}
