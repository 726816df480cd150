package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.TalkerSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Eventually;
import org.tubemail.support.ForwardingQueue;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-loop front end ({@link SmtpLoop}, {@link SmtpConnection}) over real sockets on 127.0.0.1,
 * through {@link SmtpReceiver}: idle timeout, line limit, pipelining around {@code DATA}, messages in
 * tiny pieces, disconnects, the connection count and stopping.
 */
class SmtpLoopTest {

    /**
     * The idle limit of the tests that wait for the cut-off: short, so they are quick. Their clients
     * say nothing (or only write) once the timer matters, so a stall of the test's thread cannot
     * make them fail.
     */
    private static final Duration IDLE = Duration.ofMillis(800);
    /**
     * The idle limit of the tests where a client talks or waits and must not be cut off: long beside
     * their 0.3 s pauses, so that a loaded machine's stall of the test's thread (which does make the
     * client silent) of 1-2 s cannot pass for the timer cutting off a client that keeps talking.
     */
    private static final Duration LONG_IDLE = Duration.ofSeconds(3);
    /**
     * The idle limit of the tests that are not about the idle timer: long enough that no stall of
     * the test's thread mid-session (which the server would rightly take for silence) ends a session.
     */
    private static final Duration NO_IDLE = Duration.ofSeconds(60);
    /** Longer than {@link #LONG_IDLE} plus the loop's check interval (a quarter of it). */
    private static final long SLOW_MILLIS = 4_000;

    /** Records each message as received; takes {@link #SLOW_MILLIS} for {@code slow@}. */
    public static class Inbox {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<String> raw = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg, String user) throws InterruptedException {
            if (user.equals("slow")) {
                Thread.sleep(SLOW_MILLIS);
            }
            seen.add(msg.from() + ">" + msg.to() + "|" + msg.subject());
            raw.add(msg.rawText());
        }
    }

    /** A spool that counts what is pushed to it. */
    static final class CountingQueue extends ForwardingQueue {
        final AtomicInteger pushed = new AtomicInteger();

        @Override
        public String push(byte[] message) {
            pushed.incrementAndGet();
            return super.push(message);
        }
    }

    private final Inbox inbox = new Inbox();
    private final CountingQueue spool = new CountingQueue();
    private SmtpReceiver receiver;

    private SmtpReceiver start(int maxConnections) throws IOException {
        return start(maxConnections, TalkerSettings.DEFAULTS);
    }

    private SmtpReceiver start(int maxConnections, TalkerSettings talkers) throws IOException {
        return start(maxConnections, talkers, NO_IDLE);
    }

    private SmtpReceiver start(int maxConnections, TalkerSettings talkers, Duration idle) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+")
                .handlers(inbox).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10, idle,
                maxConnections, 2), router, spool).talkers(talkers);
        receiver.start();
        return receiver;
    }

    private SmtpReceiver start() throws IOException {
        return start(20);
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private static void assertReply(String prefix, String reply) {
        assertTrue(reply.startsWith(prefix), "expected " + prefix + ", got: " + reply);
    }

    /** Greeting, EHLO, MAIL, RCPT, DATA: the next thing to send is the message. */
    private static void upToData(SmtpClient c, String from, String to) throws IOException {
        assertReply("220", c.reply());
        assertReply("250", c.cmd("EHLO client.example.org"));
        assertReply("250 2.1.0", c.cmd("MAIL FROM:<" + from + ">"));
        assertReply("250 2.1.5", c.cmd("RCPT TO:<" + to + ">"));
        assertReply("354", c.cmd("DATA"));
    }

    // ---- idle timeout ----

    @Test
    void aSilentClientGets421AfterTheIdleTimeout() throws Exception {
        start(20, TalkerSettings.DEFAULTS, IDLE);
        // timed from before the connection (the session's first activity is after it), and the client
        // sends nothing: a stall of the test's thread can neither shorten the measure nor break the session
        long t0 = System.nanoTime();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            String r = c.reply(); // say nothing
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertReply("421 4.4.2", r);
            // the upper bound only tells the idle timer from other limits (the session's 30 minutes, the
            // client's 20 s read timeout): it leaves room for a loaded machine's stalls
            assertTrue(waited >= IDLE.toMillis() - 100 && waited < 10_000, "cut off after " + waited + " ms");
            assertEquals("(closed)", c.reply(), "and the connection is closed");
        }
        Eventually.await("the connection forgotten", () -> receiver.openConnections() == 0);
    }

    @Test
    void aClientThatKeepsTalkingIsNotCutOff() throws Exception {
        start(20, TalkerSettings.DEFAULTS, LONG_IDLE);
        try (SmtpClient silent = new SmtpClient(receiver.port()); SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", silent.reply()); // says nothing more: the timer does run on this receiver
            assertReply("220", c.reply());
            long t0 = System.nanoTime();
            long lastReply = t0;
            long longestSilence = 0;
            // a NOOP every 0.3 s for over twice the limit (plus the loop's check interval, a quarter of
            // it): a timer that ignored what the client says, or counted from the session's start, cuts it off
            long talkFor = 2 * LONG_IDLE.toNanos() + LONG_IDLE.toNanos() / 4 + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - t0 < talkFor) {
                Thread.sleep(300);
                long sent = System.nanoTime();
                longestSilence = Math.max(longestSilence, sent - lastReply);
                String r = c.cmd("NOOP");
                lastReply = System.nanoTime();
                assertReply("250 2.0.0", r + " (after " + TimeUnit.NANOSECONDS.toMillis(lastReply - t0) + " ms of talk; the client's"
                        + " longest silence was " + TimeUnit.NANOSECONDS.toMillis(longestSilence) + " ms, the idle limit "
                        + LONG_IDLE.toMillis() + " ms)");
            }
            assertReply("421 4.4.2", silent.reply()); // meanwhile the silent client was cut off
            assertReply("221", c.cmd("QUIT"));
        }
    }

    @Test
    void aSessionWhoseMessageIsBeingRoutedIsNotCutOff() throws Exception {
        start(20, TalkerSettings.DEFAULTS, LONG_IDLE);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            upToData(c, "s@example.org", "slow@example.com");
            // the session routes for 4 s before it answers and reads again: that is not the client's silence
            long t0 = System.nanoTime();
            assertReply("250 2.0.0 Ok: queued as", c.cmd("Subject: slow\r\n\r\nx\r\n."));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited > LONG_IDLE.toMillis(), "answered only after routing, " + waited + " ms: the test waited past the timeout");
            assertEquals(List.of("s@example.org>slow@example.com|slow"), inbox.seen);
            assertReply("250", c.cmd("NOOP"));
            assertReply("221", c.cmd("QUIT"));
        }
    }

    @Test
    void aClientThatNeverReadsItsRepliesIsCutOff() throws Exception {
        start(20, TalkerSettings.DEFAULTS, IDLE);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", receiver.port()));
            OutputStream out = s.getOutputStream();
            byte[] noops = "NOOP\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            // a server that never cuts it off leaves this write blocked: fail after 30 s instead of hanging
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IOException.class, () -> {
                for (int i = 0; i < 2_000; i++) { // 120 MB of commands, 280 MB of replies: far more than any buffers
                    out.write(noops);
                }
            }));
            Eventually.await("the connection is gone", () -> receiver.openConnections() == 0);
        }
    }

    // ---- command lines ----

    @Test
    void aLineJustOverTheLimitGets500EvenInOneRead() throws Exception {
        start();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            String longest = "NOOP " + "x".repeat(SmtpConnection.MAX_LINE - 7); // + CRLF: MAX_LINE bytes
            assertEquals(SmtpConnection.MAX_LINE, longest.length() + 2);
            assertReply("250", c.cmd(longest));
            c.send(longest + "y\r\nNOOP\r\n"); // one byte over, and a command after it, in one write
            assertReply("500 5.5.2", c.reply());
            assertReply("250", c.reply());
            assertReply("250", c.cmd("EHLO client"));
            assertReply("250 2.1.0", c.cmd("MAIL FROM:<s@example.org>"));
        }
    }

    @Test
    void aVeryLongLineGets500OnceAndTheSessionGoesOn() throws Exception {
        start();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            String line = "HELO " + "x".repeat(10 * SmtpConnection.MAX_LINE);
            for (int i = 0; i < line.length(); i += 1000) { // in pieces, so that no read sees the whole line
                c.send(line.substring(i, Math.min(line.length(), i + 1000)));
            }
            c.send("\r\nNOOP\r\n");
            assertReply("500 5.5.2", c.reply());
            assertReply("250 2.0.0", c.reply()); // the NOOP: no second 500, and the line was not taken as HELO
            assertReply("503", c.cmd("MAIL FROM:<s@example.org>"));
            upToDataAfterGreeting(c);
            assertReply("250 2.0.0 Ok: queued", c.cmd("Subject: after\r\n\r\nx\r\n."));
            assertReply("221", c.cmd("QUIT"));
        }
        assertEquals(List.of("s@example.org>a@example.com|after"), inbox.seen);
    }

    private static void upToDataAfterGreeting(SmtpClient c) throws IOException {
        assertReply("250", c.cmd("EHLO client"));
        assertReply("250 2.1.0", c.cmd("MAIL FROM:<s@example.org>"));
        assertReply("250 2.1.5", c.cmd("RCPT TO:<a@example.com>"));
        assertReply("354", c.cmd("DATA"));
    }

    // ---- DATA ----

    @Test
    void commandsPipelinedAfterTheFinalDotAreAnsweredInOrder() throws Exception {
        start();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            upToData(c, "first@example.org", "a@example.com");
            c.send("Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<second@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
            assertReply("250 2.0.0 Ok: queued", c.reply());
            assertReply("250 2.1.0", c.reply());
            assertReply("250 2.1.5", c.reply());
            assertReply("354", c.reply());
            c.send("Subject: two\r\n\r\nbody\r\n.\r\nRSET\r\nMAIL FROM:<third@example.org>\r\nQUIT\r\n");
            assertReply("250 2.0.0 Ok: queued", c.reply());
            assertReply("250 2.0.0 Ok", c.reply());
            assertReply("250 2.1.0 Ok", c.reply());
            assertReply("221", c.reply());
            assertEquals("(closed)", c.reply());
        }
        Eventually.await("two messages routed", () -> inbox.seen.size() == 2);
        assertEquals(List.of("first@example.org>a@example.com|one", "second@example.org>b@example.com|two"), inbox.seen);
    }

    @Test
    void dataAndItsMessageInOneWriteGet354Then250WhenPipeliningIsNotEnforced() throws Exception {
        // RFC 2920 makes DATA the last command of a group (by default such a client is refused: TalkersTest)
        TalkerSettings d = TalkerSettings.DEFAULTS;
        start(20, new TalkerSettings(d.greetDelay(), false, d.sessionMax(), d.dataMinBytesPerSecond(), d.dataRateWindow(),
                d.softErrorLimit(), d.hardErrorLimit(), d.errorDelay()));
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client"));
            for (int i = 0; i < 20; i++) { // the 354 is still unwritten when the message is handed on
                c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<a@example.com>\r\nDATA\r\nSubject: m" + i + "\r\n\r\nx\r\n.\r\n");
                assertEquals("250 2.1.0 Ok", c.reply());
                assertEquals("250 2.1.5 Ok", c.reply());
                assertEquals("354 End data with <CR><LF>.<CR><LF>", c.reply());
                assertReply("250 2.0.0 Ok: queued as ", c.reply());
            }
            assertReply("221", c.cmd("QUIT"));
        }
        Eventually.await("20 messages routed", () -> inbox.seen.size() == 20);
    }

    @Test
    void aMessageInTinyWritesArrivesIntactAndUnstuffed() throws Exception {
        start();
        String text = "Subject: tiny\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n.\rnot a terminator\r\n"
                + "\rsloppy\r\nlast line\r\n";
        String stuffed = "Subject: tiny\r\n\r\n..leading dot\r\n...two dots\r\n..\r\n..\rnot a terminator\r\n"
                + ".\rsloppy\r\n" // a client that did not stuff: the dot goes, the CR stays (no LF after it)
                + "last line\r\n.\r\n";
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.socket().setTcpNoDelay(true);
            upToData(c, "s@example.org", "a@example.com");
            OutputStream out = c.socket().getOutputStream();
            byte[] bytes = stuffed.getBytes(StandardCharsets.US_ASCII);
            for (byte b : bytes) { // byte by byte, pausing so that the reads are small too
                out.write(b);
                out.flush();
                Thread.sleep(1);
            }
            assertReply("250 2.0.0 Ok: queued", c.reply());
            assertReply("250", c.cmd("NOOP"));
        }
        assertEquals(1, inbox.raw.size());
        String got = inbox.raw.get(0);
        assertTrue(got.endsWith(text), "expected the unstuffed text at the end of:\n" + got);
        assertTrue(got.startsWith("Received: "), got);
    }

    @Test
    void theTerminatorSplitAnywhereEndsTheMessage() throws Exception {
        start();
        String end = "\r\n.\r\n";
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.socket().setTcpNoDelay(true);
            upToData(c, "s@example.org", "a@example.com");
            for (int split = 1; split < end.length(); split++) {
                if (split > 1) {
                    assertReply("250 2.1.0", c.cmd("MAIL FROM:<s@example.org>"));
                    assertReply("250 2.1.5", c.cmd("RCPT TO:<a@example.com>"));
                    assertReply("354", c.cmd("DATA"));
                }
                c.send("Subject: split " + split + "\r\n\r\nbody " + split + end.substring(0, split));
                Thread.sleep(30); // so that the server reads the two parts apart
                c.send(end.substring(split));
                assertReply("250 2.0.0 Ok: queued", c.reply());
            }
            assertReply("221", c.cmd("QUIT"));
        }
        List<String> subjects = inbox.seen.stream().map(s -> s.substring(s.indexOf('|') + 1)).toList();
        assertEquals(List.of("split 1", "split 2", "split 3", "split 4"), subjects);
        for (int i = 0; i < 4; i++) {
            assertTrue(inbox.raw.get(i).endsWith("\r\n\r\nbody " + (i + 1) + "\r\n"), inbox.raw.get(i));
        }
    }

    @Test
    void aClientThatDisconnectsInDataLeavesNothingBehind() throws Exception {
        start();
        for (boolean abruptly : new boolean[] {false, true}) { // a FIN (end of stream), then a reset
            SmtpClient c = new SmtpClient(receiver.port());
            upToData(c, "s@example.org", "a@example.com");
            c.send("Subject: half\r\n\r\nhalf a message\r\n."); // even the start of a terminator
            c.close(abruptly);
            Eventually.await("the connection closed", () -> receiver.openConnections() == 0);
        }
        Thread.sleep(100); // were anything handed on, give it time to be spooled
        assertEquals(0, spool.pushed.get(), "nothing spooled");
        try (SmtpClient d = new SmtpClient(receiver.port())) {
            upToData(d, "s@example.org", "a@example.com");
            assertReply("250 2.0.0 Ok: queued", d.cmd("Subject: whole\r\n\r\nx\r\n."));
            assertReply("250", d.cmd("NOOP")); // routed by now
        }
        assertEquals(1, spool.pushed.get());
        assertEquals(List.of("s@example.org>a@example.com|whole"), inbox.seen);
    }

    // ---- connections ----

    @Test
    void openConnectionsGoesBackToZeroAfterClientsClose() throws Exception {
        start();
        List<SmtpClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SmtpClient c = new SmtpClient(receiver.port());
            assertReply("220", c.reply());
            clients.add(c);
        }
        assertEquals(4, receiver.openConnections());
        assertReply("221", clients.get(0).cmd("QUIT"));
        clients.get(1).close();
        clients.get(2).close(true); // reset, not a FIN
        Eventually.await("one connection left", () -> receiver.openConnections() == 1);
        assertReply("250", clients.get(3).cmd("NOOP"));
        clients.get(3).close();
        Eventually.await("no connection left", () -> receiver.openConnections() == 0);
        for (SmtpClient c : clients) {
            c.close();
        }
    }

    @Test
    void connectionsOverTheLimitGet421AndFreedSlotsAreReused() throws Exception {
        start(2);
        try (SmtpClient a = new SmtpClient(receiver.port()); SmtpClient b = new SmtpClient(receiver.port())) {
            assertReply("220", a.reply());
            assertReply("220", b.reply());
            try (SmtpClient refused = new SmtpClient(receiver.port())) {
                assertReply("421 4.3.2", refused.reply());
                assertEquals("(closed)", refused.reply());
            }
            assertEquals(2, receiver.openConnections());
            assertReply("221", a.cmd("QUIT"));
            Eventually.await("a slot free", () -> receiver.openConnections() == 1);
            try (SmtpClient again = new SmtpClient(receiver.port())) {
                assertReply("220", again.reply());
                assertReply("250", again.cmd("NOOP"));
            }
            assertReply("250", b.cmd("NOOP"));
        }
    }

    @Test
    void afterStopAnIdleClientIsClosedAndNewConnectionsAreRefused() throws Exception {
        start();
        int port = receiver.port();
        try (SmtpClient c = new SmtpClient(port)) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client"));
            receiver.stop(Duration.ofSeconds(2));
            SmtpReceiver stopped = receiver;
            receiver = null;
            String r = c.reply();
            assertTrue(r.startsWith("421 ") || r.equals("(closed)"), r);
            assertEquals(0, stopped.openConnections());
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "nothing listens after stop()");
    }
}
