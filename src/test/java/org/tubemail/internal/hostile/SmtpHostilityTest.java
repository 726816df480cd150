package org.tubemail.internal.hostile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Listener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile clients and hostile messages over real SMTP and LMTP (one dialog, two transports): clear
 * replies, nothing lost, the server stays up.
 */
class SmtpHostilityTest {

    /** Counts every message it sees; reads the body so that broken MIME is really decoded. */
    public static class CatchAll {
        final AtomicInteger handled = new AtomicInteger();

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg) {
            msg.text();
            msg.attachments();
            handled.incrementAndGet();
        }
    }

    private final CatchAll handler = new CatchAll();
    private final MemoryQueue undeliverable = new MemoryQueue();
    private Listener.Running receiver;

    private Listener.Running start(Listener kind, Path dir, Duration idle, int maxConnections) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(undeliverable).handlers(handler).build();
        receiver = kind.start(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 1_000_000, 10, idle, maxConnections, 2),
                router, dir);
        return receiver;
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** A minimal raw client: reads one reply (last line of a multi-line reply). */
    private static String reply(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c == -1) {
                return "(closed)";
            }
            if (c == '\n') {
                String l = line.toString(StandardCharsets.UTF_8).trim();
                if (l.length() > 3 && l.charAt(3) == '-') {
                    line.reset();
                    continue;
                }
                return l;
            }
            line.write(c);
        }
    }

    private static byte[] dotStuffed(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
        boolean lineStart = true;
        for (byte b : raw) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.writeBytes(".\r\n".getBytes());
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(value = Listener.class, names = {"SMTP", "LMTP"})
    void everyCorpusMessageGetsAReplyAndIsHandledOrKept(Listener kind, @TempDir Path dir) throws Exception {
        start(kind, dir, Duration.ofSeconds(10), 50);
        int accepted = 0;
        List<String> badReplies = new ArrayList<>();
        for (Path file : Corpus.files()) {
            try (Socket s = new Socket("127.0.0.1", receiver.port())) {
                s.setSoTimeout(20_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                reply(in);
                out.write((kind.hello() + " client\r\n").getBytes());
                reply(in);
                out.write("MAIL FROM:<a@example.org>\r\nRCPT TO:<list@example.com>\r\nDATA\r\n".getBytes()); // PIPELINING
                reply(in);
                reply(in);
                String go = reply(in);
                if (!go.startsWith("354")) {
                    badReplies.add(file.getFileName() + ": DATA " + go);
                    continue;
                }
                out.write(dotStuffed(Corpus.read(file)));
                String done = reply(in);
                if (done.startsWith("250") || done.contains("kept for the administrator")) { // LMTP tells what it kept
                    accepted++;
                } else if (!done.matches("[45]\\d\\d .*")) {
                    badReplies.add(file.getFileName() + ": " + done);
                }
                out.write("QUIT\r\n".getBytes());
            }
        }
        assertEquals(List.of(), badReplies);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (handler.handled.get() + undeliverable.count() < accepted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.printf(kind + " corpus: %d files, %d accepted, %d handled, %d undeliverable%n", Corpus.files().size(), accepted,
                handler.handled.get(), undeliverable.count());
        assertEquals(accepted, handler.handled.get() + undeliverable.count(), "every accepted message handled or kept");
        assertTrue(accepted >= 200, "accepted " + accepted);
    }

    @ParameterizedTest
    @EnumSource(value = Listener.class, names = {"SMTP", "LMTP"})
    void hugeCommandLineGetsAnErrorNotAHang(Listener kind, @TempDir Path dir) throws Exception {
        start(kind, dir, Duration.ofSeconds(10), 50);
        try (Socket s = new Socket("127.0.0.1", receiver.port())) {
            s.setSoTimeout(20_000);
            reply(s.getInputStream());
            s.getOutputStream().write(("HELO " + "x".repeat(100_000) + "\r\n").getBytes());
            String r = reply(s.getInputStream());
            assertTrue(r.startsWith("5") || r.equals("(closed)"), r);
        } catch (java.net.SocketException closedWhileWriting) {
            // the server closed the connection on the over-long line: also a clear answer
        }
        assertServerAnswers();
    }

    @ParameterizedTest
    @EnumSource(value = Listener.class, names = {"SMTP", "LMTP"})
    void silentClientIsDisconnectedAfterTheIdleTimeout(Listener kind, @TempDir Path dir) throws Exception {
        start(kind, dir, Duration.ofSeconds(1), 50);
        try (Socket s = new Socket("127.0.0.1", receiver.port())) {
            s.setSoTimeout(15_000);
            reply(s.getInputStream());
            long t0 = System.nanoTime();
            String r = reply(s.getInputStream()); // we send nothing
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.startsWith("421 4.4.2"), r);
            assertTrue(waitedMs < 10_000, "closed after " + waitedMs + " ms");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Listener.class, names = {"SMTP", "LMTP"})
    void fiveHundredConnectionsAreBoundedAndTheServerStaysUp(Listener kind, @TempDir Path dir) throws Exception {
        int threadsBefore = Thread.activeCount();
        start(kind, dir, Duration.ofSeconds(30), 100);
        List<Socket> sockets = new ArrayList<>();
        int greeted = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket("127.0.0.1", receiver.port());
                s.setSoTimeout(10_000);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                String r = reply(s.getInputStream());
                if (r.startsWith("220")) {
                    greeted++;
                } else {
                    refused++;
                }
            }
            int threadsDuring = Thread.activeCount();
            System.out.printf("500 connections: %d greeted, %d refused (421 or closed); threads %d before, %d during%n", greeted,
                    refused, threadsBefore, threadsDuring);
            assertTrue(greeted <= 100, "at most maxConnections sessions: " + greeted);
            assertEquals(500, greeted + refused);
            assertTrue(threadsDuring - threadsBefore < 200, "threads stay bounded: " + (threadsDuring - threadsBefore));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertServerAnswers();
    }

    /** A new client is greeted and answered (once the closed clients' sessions have ended: up to 30 s on a loaded machine). */
    private void assertServerAnswers() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", receiver.port())) {
                s.setSoTimeout(10_000);
                String greeting = reply(s.getInputStream());
                if (greeting.startsWith("421") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    continue;
                }
                assertTrue(greeting.startsWith("220"), greeting);
                s.getOutputStream().write("NOOP\r\n".getBytes());
                assertTrue(reply(s.getInputStream()).startsWith("250"));
                return;
            }
        }
    }
}
