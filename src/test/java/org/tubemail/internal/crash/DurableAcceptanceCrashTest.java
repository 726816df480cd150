package org.tubemail.internal.crash;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.queue.PostgresSpool;
import org.tubemail.internal.state.PgTestDb;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durable acceptance under {@code kill -9}: 5,000 messages are sent while the server process is
 * killed three times and restarted; every message answered {@code 250} must afterwards be handled
 * (at least once: a crash between routing and removal from the spool routes a message again) or
 * still be queued. Prints sent, accepted, accounted for, lost and handled twice, and for each lost
 * message where it was last seen ({@link LossReport}: its reply and spool key, the spool copies taken
 * after each kill that held it, routed or waiting, and the server's log lines on its key). Mail is
 * sent only while a server of this test holds the port (not to whatever listens there meanwhile).
 */
class DurableAcceptanceCrashTest {

    private static final int MESSAGES = 5_000;
    private static final int KILLS = 3;

    @TempDir
    Path home;

    private int port;
    private Process server;

    private List<String> handledLines() throws java.io.IOException {
        Path log = home.resolve("run/handled.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.US_ASCII).stream().filter(l -> !l.isBlank()).toList()
                : List.of();
    }

    private Set<Integer> handledSeqs() throws java.io.IOException {
        Set<Integer> out = new HashSet<>();
        for (String line : handledLines()) {
            out.add(Integer.parseInt(line.trim()));
        }
        return out;
    }

    private Process startServer() throws Exception {
        return ChildServer.start(home, port);
    }

    /** A server left by a failed run would keep the port and take other tests' mail. */
    @AfterEach
    void killServer() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    /** Waits (up to two minutes) while the server is being killed and started again. */
    private static void awaitUp(AtomicBoolean up) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!up.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (jakarta.mail.MessagingException e) {
            // the message's fate was decided by the reply to its data
        }
    }

    @ParameterizedTest(name = "spool {0}")
    @ValueSource(strings = {"log", "maildir", "postgres"})
    void everyAcceptedMessageIsAccountedForAfterKillMinus9(String spoolKind) throws Exception {
        String database = "";
        if (spoolKind.equals("postgres")) {
            PgTestDb.assumeConfigured();
            try (PostgresSpool spool = new PostgresSpool(new PostgresSpool.Options(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, "test", 2,
                    java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), java.time.Duration.ZERO), Monitor.NONE)) {
                spool.clear();
            }
            database = String.join("\n", "storage.postgres.url=" + PgTestDb.URL, "storage.postgres.user=" + PgTestDb.USER,
                    "storage.postgres.password=" + PgTestDb.PASSWORD, "queue.spool.lease.seconds=3");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=" + port, "http.enabled=false", "receiver.accepted.domains=example.com", "route.default.host=example\\\\.com",
                "handlers=" + RecordingHandler.class.getName(), "storage.kind=mapdb", "receiver.workers=4",
                "queue.spool.kind=" + spoolKind, database,
                "receiver.trusted.networks=127.0.0.1/32", "")); // the load comes from one client: no per-client rates
        server = startServer();
        LossReport report = new LossReport(home, spoolKind);
        AtomicInteger starts = new AtomicInteger(1); // which server start is current: lost messages name it
        AtomicBoolean up = new AtomicBoolean(true); // mail goes only to a server of this test, never to a port it does not hold
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(clients.submit(() -> {
                Properties props = new Properties();
                props.setProperty("mail.smtp.host", "127.0.0.1");
                props.setProperty("mail.smtp.port", String.valueOf(port));
                props.setProperty("mail.smtp.connectiontimeout", "5000");
                props.setProperty("mail.smtp.timeout", "10000");
                Session session = Session.getInstance(props);
                int seq;
                while ((seq = next.getAndIncrement()) < MESSAGES) {
                    for (int attempt = 0; attempt < 100 && !accepted.contains(seq); attempt++) {
                        awaitUp(up);
                        int start = starts.get();
                        Transport transport = session.getTransport("smtp");
                        try {
                            MimeMessage m = new MimeMessage(session);
                            m.setFrom("sender" + (seq % 50) + "@example.org");
                            m.setRecipients(Message.RecipientType.TO, "load@example.com");
                            m.setSubject("message " + seq);
                            m.setHeader("X-Seq", String.valueOf(seq));
                            m.setText("body of " + seq);
                            m.saveChanges();
                            transport.connect();
                            transport.sendMessage(m, m.getAllRecipients()); // returns once the server answered 250 to the data
                            report.accepted(seq, start, starts.get(), transport instanceof SMTPTransport smtp
                                    ? smtp.getLastServerResponse().trim() : "250");
                            accepted.add(seq);
                        } catch (jakarta.mail.MessagingException e) {
                            refused.incrementAndGet(); // not accepted: the server was killed or answered an error; try again
                            Thread.sleep(100);
                        } finally {
                            close(transport);
                        }
                    }
                }
                return null;
            }));
        }
        for (int kill = 1; kill <= KILLS; kill++) {
            int target = MESSAGES * kill / (KILLS + 1);
            while (next.get() < target) {
                Thread.sleep(10);
            }
            up.set(false);
            server.destroyForcibly(); // SIGKILL
            assertTrue(server.waitFor(2, TimeUnit.MINUTES), "the killed server is gone (else the next one cannot bind its port)");
            report.snapshot("after-kill-" + kill);
            server = startServer();
            starts.incrementAndGet();
            up.set(true);
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        clients.shutdown();
        // let the server route what it accepted, then stop it gracefully
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (handledSeqs().size() < accepted.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        server.destroy();
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "graceful stop");
        report.snapshot("after-stop");

        List<String> handledLines = handledLines();
        Set<Integer> handled = handledSeqs();
        int twice = handledLines.size() - handled.size();
        Set<Integer> queued = new HashSet<>();
        Settings settings = Settings.load(home);
        for (MessageQueue queue : List.of(new org.tubemail.internal.app.Assembly(settings).openSpool(), new MaildirQueue(home.resolve("run/undeliverable")))) {
            for (String key : queue.keys()) {
                queue.get(key).flatMap(LossReport::seqOf).ifPresent(queued::add);
            }
            if (queue instanceof AutoCloseable c) {
                c.close();
            }
        }
        int accounted = 0;
        List<Integer> lost = new ArrayList<>();
        for (int seq : accepted) {
            if (handled.contains(seq) || queued.contains(seq)) {
                accounted++;
            } else {
                lost.add(seq);
            }
        }
        System.out.printf("crash test (spool " + spoolKind + "): sent %d, accepted %d, refused attempts %d, accounted for %d (handled %d, queued %d), lost %d, "
                + "handled twice %d, kills %d%n", MESSAGES, accepted.size(), refused.get(), accounted, handled.size(), queued.size(),
                lost.size(), twice, KILLS);
        List<String> where = report.explain(lost);
        where.forEach(System.out::println);
        assertEquals(List.of(), lost, "messages answered 250 but neither handled nor queued:\n" + String.join("\n", where));
        assertTrue(accepted.size() > MESSAGES / 2, "most messages should be accepted: " + accepted.size());
    }
}
