package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.cli.TubemailCli;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.queue.MaildirQueue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first run with the shipped config/settings.properties: MapDB state in run/, a
 * message sent with {@code tubemail send}, the echo reply found in the run/outbox maildir.
 */
class DefaultConfigTest {

    @Test
    void sendToEchoAndReadTheReplyInTheOutbox(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
        Settings settings = Settings.load(home).with("receiver.smtp.port", "0").with("http.port", "0");
        TubemailServer server = TubemailServer.configure(settings);
        server.start();
        try {
            StringWriter out = new StringWriter();
            int code = TubemailCli.run(new String[]{"--home", home.toString(), "send", "--from", "bob@example.org", "--to",
                    "echo@localhost", "--subject", "hello", "--port", String.valueOf(server.smtpPort())}, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
            assertEquals(0, code);
            assertTrue(out.toString().startsWith("250 2.0.0 Ok: queued as"), out.toString());
            MaildirQueue outbox = new MaildirQueue(home.resolve("run/outbox"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (outbox.count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, outbox.count());
            String reply = new String(outbox.get(outbox.keys().get(0)).orElseThrow(), StandardCharsets.UTF_8);
            assertTrue(reply.contains("Subject: Re: hello"), reply);
            assertTrue(reply.contains("Delivered-To: bob@example.org"), reply);
            assertTrue(Files.exists(home.resolve("run/state.db")), "MapDB state lives in run/");
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
