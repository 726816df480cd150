package org.tubemail.internal.state;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.PostgresSpool;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL spool while its database is away: {@code DATA} gets {@code 451 4.3.0} (never a
 * {@code 250} for what was not committed), and once the database is back mail is accepted and
 * routed again without a restart.
 */
class SharedSpoolOutageTest {

    /** Records each subject. */
    public static class Recorder {
        final List<String> subjects = new CopyOnWriteArrayList<>();

        @Stateless
        @Route("rec@(host)")
        public void handle(MailRequest msg) {
            subjects.add(msg.subject());
        }
    }

    private static String send(int port, String subject) throws Exception {
        try (SmtpClient c = new SmtpClient(port)) {
            c.begin("bob@example.org");
            c.cmd("RCPT TO:<rec@example.com>");
            c.cmd("DATA");
            c.send("Message-ID: <" + subject + "@example.org>\r\nSubject: " + subject + "\r\n\r\nx\r\n.\r\n");
            return c.reply();
        }
    }

    @Test
    void whileTheDatabaseIsAwayDataGets451AndAfterwardsMailFlowsAgain() throws Exception {
        PgTestDb.assumeConfigured(); // the script's binaries are there
        Path dir = Files.createTempDirectory("tubemail-pg-");
        try {
            Map<String, String> env = PostgresUnavailableTest.cluster("start", dir);
            Recorder handler = new Recorder();
            try (PostgresSpool spool = new PostgresSpool(new PostgresSpool.Options(env.get("TUBEMAIL_PG_URL"), env.get("TUBEMAIL_PG_USER"),
                    env.get("TUBEMAIL_PG_PASSWORD"), "test", 4, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(10)),
                    Monitor.NONE)) {
                Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(handler).build();
                SmtpReceiver receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10,
                        Duration.ofSeconds(30), 20, 2), router, spool);
                receiver.start();
                try {
                    assertTrue(send(receiver.port(), "before").startsWith("250"));
                    PostgresUnavailableTest.cluster("stop", dir);
                    String during = send(receiver.port(), "during");
                    assertTrue(during.startsWith("451 4.3.0"), during);
                    PostgresUnavailableTest.cluster("restart", dir);
                    String after = "(none)";
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!after.startsWith("250") && System.nanoTime() < deadline) {
                        after = send(receiver.port(), "after"); // the pool reconnects by itself
                        if (!after.startsWith("250")) {
                            Thread.sleep(500);
                        }
                    }
                    assertTrue(after.startsWith("250"), after);
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (handler.subjects.size() < 2 && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    System.out.printf("shared spool outage: during it %s; handled %s%n", during, handler.subjects);
                    assertEquals(List.of("before", "after"), handler.subjects);
                    assertEquals(0, spool.count());
                } finally {
                    receiver.stop(Duration.ofSeconds(5));
                }
            }
        } finally {
            PostgresUnavailableTest.cluster("clean", dir);
        }
    }
}
