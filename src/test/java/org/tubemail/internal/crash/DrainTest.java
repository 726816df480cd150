package org.tubemail.internal.crash;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tubemail.internal.cli.TubemailCli;
import org.tubemail.support.Shell;
import org.tubemail.support.SmtpClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A drain, by SIGTERM and by {@code stop --drain}, of a server in another JVM while a client is in
 * the middle of its session: readiness turns 503, a new client gets {@code 421 4.3.2}, the open
 * session's message is accepted and routed, then the process exits.
 */
class DrainTest {

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int httpPort;

    private HttpResponse<String> ready() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the HTTP listener, which opens after SMTP. */
    private void awaitHttp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                new java.net.Socket("127.0.0.1", httpPort).close();
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing listens for HTTP on port " + httpPort + " after 60 s", e);
                }
                Thread.sleep(50);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGTERM", "stop --drain"})
    void openSessionsFinishNewClientsGet421AndTheProcessExits(String how) throws Exception {
        int smtpPort = Shell.freePort();
        httpPort = Shell.freePort();
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=" + smtpPort, "http.port=" + httpPort, "receiver.accepted.domains=example.com",
                "route.default.host=example\\\\.com", "handlers=" + RecordingHandler.class.getName(), "storage.kind=memory",
                "receiver.workers=4", "receiver.tls.enabled=false", "drain.delay.seconds=1", "drain.timeout.seconds=300", ""));
        Process server = ChildServer.start(home, smtpPort);
        CompletableFuture<String> stop = new CompletableFuture<>();
        try {
            awaitHttp();
            assertEquals(200, ready().statusCode());
            try (SmtpClient open = new SmtpClient(smtpPort)) {
                open.begin("sender@example.org");
                assertEquals("250 2.1.5 Ok", open.cmd("RCPT TO:<load@example.com>"));

                if (how.equals("SIGTERM")) {
                    server.destroy();
                    stop.complete("");
                } else {
                    CompletableFuture.runAsync(() -> {
                        StringWriter out = new StringWriter();
                        int code = TubemailCli.run(new String[]{"--home", home.toString(), "stop", "--drain"}, new PrintWriter(out, true),
                                new PrintWriter(out, true));
                        stop.complete(code + " " + out);
                    });
                }

                HttpResponse<String> readiness = ready();
                for (int i = 0; i < 600 && readiness.statusCode() == 200; i++) {
                    Thread.sleep(50);
                    readiness = ready();
                }
                assertEquals(503, readiness.statusCode(), readiness.body());
                assertTrue(readiness.body().contains("\"accepting\":false"), readiness.body());

                String greeting = "";
                for (int i = 0; i < 600 && !greeting.startsWith("421"); i++) {
                    try (SmtpClient late = new SmtpClient(smtpPort)) {
                        greeting = late.reply();
                        if (greeting.startsWith("220")) {
                            late.cmd("QUIT");
                            Thread.sleep(50);
                        }
                    }
                }
                assertTrue(greeting.startsWith("421 4.3.2 ") && greeting.endsWith("is shutting down, try again later"), greeting);
                assertTrue(server.isAlive(), "the open session holds the drain");

                assertTrue(open.cmd("DATA").startsWith("354"));
                String reply = open.cmd("X-Seq: 1\r\nSubject: during the drain\r\n\r\nhello\r\n.");
                assertTrue(reply.startsWith("250 2.0.0 Ok: queued as"), reply);
                assertTrue(open.cmd("QUIT").startsWith("221"));
            }
            assertTrue(server.waitFor(120, TimeUnit.SECONDS), "the process exits once drained");
            String stopped = stop.get(120, TimeUnit.SECONDS);
            if (!how.equals("SIGTERM")) {
                assertTrue(stopped.startsWith("0 ") && stopped.contains("Tubemail drained and stopped"), stopped);
            }
            assertEquals(List.of("1"), Files.readAllLines(home.resolve("run/handled.log"), StandardCharsets.US_ASCII),
                    "the message accepted during the drain was routed before the exit");
            String log = Files.readString(home.resolve("server.log"));
            assertTrue(log.contains("drained: no session open, every accepted message routed"), log);
        } finally {
            server.destroyForcibly();
        }
    }
}
