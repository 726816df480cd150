package org.tubemail.internal.faults;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.support.Eventually;
import org.tubemail.support.Tmpfs;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every store on a file system that really fills up (a small tmpfs): the receiver never answers
 * {@code 250} for what it could not store, acknowledged mail is never lost, a state change that
 * cannot be made durable leaves the message in the spool, the server recovers by itself once space
 * returns, the next start finds nothing half-written, and a full disk is logged once per episode.
 */
class DiskFullTest {
    /** How long the tests wait for the server to store and route again. */
    private static final Duration DISK_WAIT = Duration.ofSeconds(45);

    private static final int BIG = 200 * 1024;

    @TempDir
    Path home;
    private Tmpfs fs;
    private TubemailServer server;
    private Map<String, String> config;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void setUp() throws Exception {
        FaultsHandler.HANDLED.clear();
        fs = Tmpfs.mount(4L * 1024 * 1024);
        log.start();
        ((Logger) LoggerFactory.getLogger(DiskFull.class)).addAppender(log);
    }

    @AfterEach
    void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger(DiskFull.class)).detachAppender(log);
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        fs.close();
    }

    private void start(String... keyValues) throws Exception {
        config = new HashMap<>(Map.of(
                "receiver.smtp.port", "0",
                "http.port", "0",
                "receiver.accepted.domains", "localhost",
                "route.default.host", "localhost",
                "receiver.min.free.bytes", "0",
                "handler.timeout.seconds", "0",
                "handlers", String.join(",", FaultsHandler.Counter.class.getName(), FaultsHandler.Keeper.class.getName(),
                        FaultsHandler.Replier.class.getName(), FaultsHandler.Broken.class.getName())));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        restart();
    }

    private void restart() throws Exception {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        server = TubemailServer.configure(Settings.of("test-settings", home, config));
        server.start();
    }

    private String send(String to, String subject) throws Exception {
        return SmtpTalk.send(server.smtpPort(), "alice@example.org", to, subject, BIG);
    }

    private String state(String module) {
        return server.router().storage().get(module, "alice@example.org");
    }

    private long fullEpisodesLogged() {
        return log.list.stream().filter(e -> e.getFormattedMessage().contains(" is full (")).count();
    }

    private void spoolFillsUpAndRecovers() throws Exception {
        assertTrue(send("count@localhost", "before").startsWith("250"));
        Eventually.await("routed and gone from the spool", DISK_WAIT, () -> FaultsHandler.HANDLED.contains("before") && server.spoolCount() == 0);
        fs.fill(100 * 1024);
        List<String> accepted = new ArrayList<>(List.of("before"));
        for (int i = 0; !send("count@localhost", "fits" + i).startsWith("452 4.3.1"); i++) {
            accepted.add("fits" + i); // room the log spool had reserved before the disk filled
            assertTrue(i < 10, "the spool never filled up");
        }
        Eventually.await("every accepted message is routed", DISK_WAIT, () -> FaultsHandler.HANDLED.containsAll(accepted) && server.spoolCount() == 0);
        for (int i = 0; i < 3; i++) {
            String reply = send("count@localhost", "refused" + i);
            assertTrue(reply.startsWith("452 4.3.1"), "a spool without space answers 452 4.3.1, got: " + reply);
        }
        assertEquals(1, fullEpisodesLogged(), "one episode, logged once: " + log.list);
        accepted.add("after");

        fs.free();
        String reply = send("count@localhost", "after");
        assertTrue(reply.startsWith("250"), "space is back, no restart needed: " + reply);
        Eventually.await("the message sent after is routed", DISK_WAIT, () -> FaultsHandler.HANDLED.contains("after"));

        restart();
        Thread.sleep(1500);
        // routing threads may take the accepted messages in any order: compare as counted sets
        assertEquals(new java.util.TreeSet<>(accepted), new java.util.TreeSet<>(FaultsHandler.HANDLED),
                "after a restart nothing refused is routed");
        assertEquals(accepted.size(), FaultsHandler.HANDLED.size(), "nothing accepted is routed twice: " + FaultsHandler.HANDLED);
    }

    @Test
    void logSpool() throws Exception {
        start("queue.spool", fs.dir().resolve("spool").toString(), "queue.spool.kind", "log");
        spoolFillsUpAndRecovers();
    }

    @Test
    void maildirSpool() throws Exception {
        start("queue.spool", fs.dir().resolve("spool").toString(), "queue.spool.kind", "maildir");
        spoolFillsUpAndRecovers();
    }

    @Test
    void lowSpaceWatermarkRefusesAtMail() throws Exception {
        start("queue.spool", fs.dir().resolve("spool").toString(), "receiver.min.free.bytes", "1MiB");
        fs.fill(512 * 1024);
        Thread.sleep(300); // the free-space reading is refreshed every 250 ms
        String reply = send("count@localhost", "low");
        assertTrue(reply.startsWith("452 4.3.1"), "refused at MAIL, before any data: " + reply);
        assertFalse(server.readiness().get("spoolSpace"), "the health check reports it");
        fs.free();
        Thread.sleep(300);
        assertTrue(server.readiness().get("spoolSpace"));
        assertTrue(send("count@localhost", "enough").startsWith("250"));
        Eventually.await("routed", DISK_WAIT, () -> FaultsHandler.HANDLED.contains("enough"));
        assertFalse(FaultsHandler.HANDLED.contains("low"));
    }

    /** A store written while routing is full: the message waits in the spool, its state unchanged, until space returns. */
    private void routingWaitsForSpace(String to, String module, String before, String after, Runnable delivered) throws Exception {
        fs.fill(0);
        assertTrue(send(to, "m1").startsWith("250"), "the spool has space: accepted");
        Thread.sleep(2500); // several routing attempts fail meanwhile
        assertEquals(before, state(module), "no state change while its effects cannot be stored");
        assertEquals(1, server.spoolCount(), "the message waits in the spool");
        assertEquals(1, fullEpisodesLogged(), "logged once, not per attempt: " + log.list);

        fs.free();
        Eventually.await("routed once space returns", DISK_WAIT, () -> server.spoolCount() == 0 && after.equals(state(module)));
        delivered.run();
        restart();
        assertEquals(after, state(module), "the state survives a restart");
    }

    @Test
    void stateLog() throws Exception {
        start("storage.path", fs.dir().resolve("state.db").toString());
        routingWaitsForSpace("count@localhost", "Counter", "START", "ONE", () -> assertTrue(FaultsHandler.HANDLED.contains("m1")));
        assertTrue(send("count@localhost", "m2").startsWith("250"));
        Eventually.await("the next message moves the state on", DISK_WAIT, () -> "START".equals(state("Counter")));
    }

    @Test
    void handlersData() throws Exception {
        start("data.path", fs.dir().resolve("data").toString());
        routingWaitsForSpace("data@localhost", "Keeper", "START", "KEPT",
                () -> assertTrue(Files.exists(fs.dir().resolve("data/m1.bin"))));
    }

    @Test
    void maildirOutbox() throws Exception {
        Path outbox = fs.dir().resolve("outbox");
        start("relay.outbox", outbox.toString());
        routingWaitsForSpace("reply@localhost", "Replier", "START", "ANSWERED",
                () -> assertEquals(1, new MaildirQueue(outbox).count(), "one reply, in the outbox"));
    }

    @Test
    void relayRetryQueue() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path retry = fs.dir().resolve("relay-retry");
        start("relay.host", "127.0.0.1", "relay.port", String.valueOf(closed), "queue.relay.retry", retry.toString(),
                "relay.timeout.seconds", "2");
        routingWaitsForSpace("reply@localhost", "Replier", "START", "ANSWERED",
                () -> assertEquals(1, new MaildirQueue(retry).count(), "the reply waits for retry"));
    }

    @Test
    void undeliverableQueue() throws Exception {
        Path undeliverable = fs.dir().resolve("undeliverable");
        start("queue.undeliverable", undeliverable.toString());
        fs.fill(0);
        assertTrue(send("broken@localhost", "m1").startsWith("250"));
        Thread.sleep(2500);
        assertEquals(1, server.spoolCount(), "kept in the spool while the undeliverable queue is full");
        fs.free();
        Eventually.await("in the undeliverable queue", DISK_WAIT, () -> server.spoolCount() == 0 && new MaildirQueue(undeliverable).count() == 1);
    }
}
