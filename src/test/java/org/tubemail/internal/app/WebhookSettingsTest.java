package org.tubemail.internal.app;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.cli.TubemailCli;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code forward.http.NAME=URL} in the settings, no Java: mail for NAME@(host) is posted to the URL. */
class WebhookSettingsTest {

    @TempDir
    Path home;

    private Settings settings(String url) throws Exception {
        Files.createDirectories(home.resolve("config"));
        if (!Files.exists(home.resolve("config/settings.properties"))) {
            Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
        }
        return Settings.load(home).with("receiver.smtp.port", "0").with("http.enabled", "false").with("storage.kind", "memory")
                .with("forward.http.support", url).with("forward.http.support.secret", "0123456789abcdef0123");
    }

    @Test
    void mailForTheRouteIsPostedAndOtherRoutesStillWork() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        List<String> bodies = new CopyOnWriteArrayList<>();
        http.createContext("/mail", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
        TubemailServer server = TubemailServer.configure(settings("http://127.0.0.1:" + http.getAddress().getPort() + "/mail"));
        server.start();
        try {
            StringWriter out = new StringWriter();
            assertEquals(0, TubemailCli.run(new String[]{"--home", home.toString(), "send", "--from", "bob@example.org", "--to",
                    "support@localhost", "--subject", "printer on fire", "--port", String.valueOf(server.smtpPort())},
                    new PrintWriter(out, true), new PrintWriter(out, true)), out.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bodies.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, bodies.size());
            assertTrue(bodies.get(0).contains("\"subject\":\"printer on fire\""), bodies.get(0));
            assertTrue(server.router().routes().stream().anyMatch(m -> m.qualifiedName().equals("forward.http.support")));
            assertTrue(server.router().accepts("echo@localhost"), "the echo handler is still routed");
        } finally {
            server.stop(Duration.ofSeconds(5));
            http.stop(0);
        }
    }

    @Test
    void retriesPendingWhenTubemailStopsAreSentAfterTheRestart() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        List<String> bodies = new CopyOnWriteArrayList<>();
        int[] status = {503};
        http.createContext("/mail", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (status[0] == 200) {
                bodies.add(body);
            }
            ex.sendResponseHeaders(status[0], -1);
            ex.close();
        });
        http.start();
        Settings settings = settings("http://127.0.0.1:" + http.getAddress().getPort() + "/mail").with("forward.retry.seconds", "1");
        TubemailServer first = TubemailServer.configure(settings);
        first.start();
        try {
            StringWriter out = new StringWriter();
            assertEquals(0, TubemailCli.run(new String[]{"--home", home.toString(), "send", "--from", "bob@example.org", "--to",
                    "support@localhost", "--subject", "survives a restart", "--port", String.valueOf(first.smtpPort())},
                    new PrintWriter(out, true), new PrintWriter(out, true)), out.toString());
            Path retry = home.resolve("run/forward-retry/new");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((!Files.isDirectory(retry) || Files.list(retry).findAny().isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            first.stop(Duration.ofSeconds(5)); // stops with the retry pending
        }
        assertEquals(1, Files.list(home.resolve("run/forward-retry/new")).count(), "the pending retry is on disk");
        status[0] = 200;
        TubemailServer second = TubemailServer.configure(settings);
        second.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bodies.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, bodies.size(), "posted by the restarted server");
            assertTrue(bodies.get(0).contains("\"subject\":\"survives a restart\""), bodies.get(0));
        } finally {
            second.stop(Duration.ofSeconds(5));
            http.stop(0);
        }
    }

    @Test
    void badSettingsNameTheKey() throws Exception {
        ConfigException noSecret = assertThrows(ConfigException.class, () -> TubemailServer.configure(
                settings("https://app.example/mail").with("forward.http.support.secret", "short")));
        assertTrue(noSecret.getMessage().contains("forward.http.support.secret"), noSecret.getMessage());
        ConfigException badUrl = assertThrows(ConfigException.class, () -> TubemailServer.configure(settings("ftp://app.example/mail")));
        assertTrue(badUrl.getMessage().contains("forward.http.support = 'ftp://app.example/mail'"), badUrl.getMessage());
    }
}
