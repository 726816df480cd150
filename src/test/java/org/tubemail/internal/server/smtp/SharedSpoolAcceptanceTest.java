package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.PostgresSpool;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the PostgreSQL spool, {@code 250} means "committed in the database": a message answered while
 * its server cannot route it (its one routing thread is held) is a row of {@code tubemail_spool},
 * unclaimed, that another server routes.
 */
class SharedSpoolAcceptanceTest {

    /** Holds its first message until released; records every subject. */
    public static class Held {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> handled = new CopyOnWriteArrayList<>();

        @Stateless
        @Route("held@(host)")
        public void handle(MailRequest msg) throws InterruptedException {
            if (msg.subject().equals("first")) {
                release.await(60, TimeUnit.SECONDS);
            }
            handled.add(msg.subject());
        }
    }

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    private static PostgresSpool spool() {
        return new PostgresSpool(new PostgresSpool.Options(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, "test", 3,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO), Monitor.NONE);
    }

    private static SmtpReceiver start(Held handler, PostgresSpool spool) throws java.io.IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(handler).build();
        SmtpReceiver r = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10,
                Duration.ofSeconds(30), 20, 1), router, spool);
        r.start();
        return r;
    }

    private static String send(int port, String subject) throws Exception {
        try (SmtpClient c = new SmtpClient(port)) {
            c.begin("bob" + subject + "@example.org");
            c.cmd("RCPT TO:<held@example.com>");
            c.cmd("DATA");
            c.send("Subject: " + subject + "\r\n\r\nx\r\n.\r\n");
            return c.reply();
        }
    }

    @Test
    void aMessageAnswered250IsCommittedUnroutedAndAnotherServerRoutesIt() throws Exception {
        PostgresSpool spoolA = spool();
        spoolA.clear();
        Held a = new Held();
        SmtpReceiver serverA = start(a, spoolA);
        ExecutorService client = Executors.newSingleThreadExecutor();
        PostgresSpool spoolB = null;
        SmtpReceiver serverB = null;
        try {
            Future<String> first = client.submit(() -> send(serverA.port(), "first"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (spoolA.count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300); // its routing has begun, holding server A's only routing thread
            String reply = send(serverA.port(), "second");
            assertTrue(reply.startsWith("250"), reply);
            long key = Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1));
            try (Connection c = DriverManager.getConnection(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD);
                 PreparedStatement st = c.prepareStatement("SELECT lease_owner, order_key FROM tubemail_spool WHERE id = ?")) {
                st.setLong(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    assertTrue(rs.next(), "committed before the 250");
                    assertEquals(null, rs.getString(1), "not claimed: server A cannot route it now");
                    assertEquals("bobsecond@example.org", rs.getString(2));
                }
            }
            assertEquals(List.of(), a.handled);

            spoolB = spool();
            Held b = new Held();
            serverB = start(b, spoolB);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (b.handled.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of("second"), b.handled, "server B's workers claimed what server A accepted");
            a.release.countDown();
            assertTrue(first.get(30, TimeUnit.SECONDS).startsWith("250"));
            assertEquals(List.of("first"), a.handled);
        } finally {
            a.release.countDown();
            client.shutdownNow();
            serverA.stop(Duration.ofSeconds(5));
            spoolA.close();
            if (serverB != null) {
                serverB.stop(Duration.ofSeconds(5));
                spoolB.close();
            }
        }
    }
}
