package org.tubemail.internal.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.support.RealParts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Third-party clients deliver over STARTTLS to a server configured out of the box (no certificate
 * given: a self-signed one is made under run/tls/), with TLS required so that only an encrypted
 * session can deliver: swaks and Python's smtplib.
 */
class StartTlsClientsTest {

    @TempDir
    Path home;
    private TubemailServer server;

    @BeforeEach
    void start() throws IOException {
        server = TubemailServer.configure(Settings.of("test-settings", home, Map.of(
                "receiver.smtp.port", "0", "http.enabled", "false",
                "receiver.accepted.domains", "localhost",
                "route.default.host", "localhost",
                "handlers", "org.tubemail.examples.echo.EchoHandler",
                "storage.kind", "memory",
                "receiver.tls.required", "true")));
        server.start();
        assertTrue(Files.exists(home.resolve("run/tls/cert.pem")) && Files.exists(home.resolve("run/tls/key.pem")));
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private long replies() throws IOException {
        Path outbox = home.resolve("run/outbox/new");
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(outbox)) {
            return s.count();
        }
    }

    private boolean awaitReplies(long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (replies() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished in time: " + command);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void swaksDeliversWithTls() throws Exception {
        Path swaks = RealParts.require("swaks", "swaks");
        String out = run(List.of(swaks.toString(), "--server", "127.0.0.1:" + server.smtpPort(), "--tls",
                "--from", "alice@example.org", "--to", "echo@localhost", "--header", "Subject: over tls"));
        assertTrue(out.contains("TLS started"), out);
        assertTrue(out.contains("250 2.0.0 Ok: queued"), out);
        assertTrue(awaitReplies(1), "the echo handler answered");
    }

    @Test
    void swaksWithoutTlsIsRefusedWhenTlsIsRequired() throws Exception {
        Path swaks = RealParts.require("swaks", "swaks");
        Process p = new ProcessBuilder(swaks.toString(), "--server", "127.0.0.1:" + server.smtpPort(),
                "--from", "alice@example.org", "--to", "echo@localhost").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("530 5.7.0"), out);
        assertEquals(0, replies());
    }

    @Test
    void pythonSmtplibDeliversAfterStarttls() throws Exception {
        Path python = RealParts.require("python3", "python3");
        String script = """
                import smtplib, ssl, sys
                with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20) as s:
                    s.ehlo("client.example.org")
                    s.starttls(context=ssl._create_unverified_context())
                    s.ehlo("client.example.org")
                    print(s.sock.version(), s.sock.cipher()[0])
                    s.sendmail("alice@example.org", ["echo@localhost"], "Subject: smtplib\\r\\n\\r\\nhello\\r\\n")
                print("sent")
                """;
        String out = run(List.of(python.toString(), "-c", script, String.valueOf(server.smtpPort())));
        assertTrue(out.startsWith("TLSv1.3 TLS_"), out);
        assertTrue(out.contains("sent"), out);
        assertTrue(awaitReplies(1), "the echo handler answered");
    }
}
