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
import org.tubemail.support.SmtpClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMTP smuggling and open-relay tricks against every listener that speaks the one SMTP dialog: SMTP,
 * LMTP over TCP and LMTP over a unix socket must answer them alike.
 */
class SmugglingAndRelayTest {

    /** Records each message's sender and body. */
    public static class Inbox {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg) {
            seen.add(msg.from() + "|" + msg.text());
        }
    }

    @TempDir
    Path dir;

    private final Inbox inbox = new Inbox();
    private Listener.Running running;

    private Listener.Running start(Listener kind) throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+")
                .undeliverable(new MemoryQueue()).handlers(inbox).build();
        running = kind.start(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10, Duration.ofSeconds(10), 20, 2),
                router, dir);
        return running;
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    /** Reads the greeting, greets, and starts a transaction from {@code sender}. */
    private static void begin(Listener kind, SmtpClient c, String sender) throws Exception {
        assertTrue(c.reply().startsWith("220"));
        assertTrue(c.cmd(kind.hello() + " client.example.org").startsWith("250 "));
        assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<" + sender + ">"));
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void commandLinesEndedByABareLfAreRefused(Listener kind) throws Exception {
        try (SmtpClient c = start(kind).connect()) {
            c.reply();
            c.send(kind.hello() + " client.example.org\n");
            assertEquals("500 5.5.2 Command line ended by a bare LF: end every line with CRLF", c.reply());
            assertTrue(c.cmd(kind.hello() + " client.example.org").startsWith("250 "));
            c.send("MAIL FROM:<a@example.org>\nNOOP\r\n");
            assertTrue(c.reply().startsWith("500 5.5.2 Command line ended by a bare LF"), "MAIL with a bare LF is not taken");
            assertEquals("250 2.0.0 Ok", c.reply());
            assertTrue(c.cmd("RCPT TO:<one@example.com>").startsWith("503"), "no sender was set by the refused line");
        }
    }

    /**
     * Every line ending but CRLF around a dot is message text (SMTP smuggling: an inner message
     * hidden behind {@code \n.\n} or its kin must never become a message of its own).
     */
    @ParameterizedTest
    @EnumSource(Listener.class)
    void onlyCrLfDotCrLfEndsTheMessage(Listener kind) throws Exception {
        String smuggled = "MAIL FROM:<ceo@example.com>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\nSubject: forged\r\n\r\nforged";
        try (SmtpClient c = start(kind).connect()) {
            begin(kind, c, "a@example.org");
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<one@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            c.send("Subject: carrier\r\n\r\nbody\n.\n" + smuggled + "\r.\r" + smuggled + "\n.\r\n" + smuggled + "\r\n.\n" + smuggled
                    + "\r.\r\n" + smuggled + "\r\n.\r\n"); // each false end comes mid-line, after text
            assertTrue(c.reply().startsWith("250 2.0.0"), "one message, one reply");
            assertEquals("250 2.0.0 Ok", c.cmd("NOOP"), "no smuggled command was run");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inbox.seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, inbox.seen.size(), inbox.seen.toString());
        String seen = inbox.seen.get(0);
        assertTrue(seen.startsWith("a@example.org|body"), seen);
        assertEquals(5, seen.split("RCPT TO:<victim@example.com>", -1).length - 1, "every smuggled part stays in the one message");
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void refusesForeignDomainsAndTrickyRelayForms(Listener kind) throws Exception {
        try (SmtpClient c = start(kind).connect()) {
            begin(kind, c, "s@example.org");
            assertTrue(c.cmd("RCPT TO:<victim@elsewhere.org>").startsWith("550 5.7.1"));
            assertTrue(c.cmd("RCPT TO:<@example.com:victim@elsewhere.org>").startsWith("550 5.7.1"), "source route");
            assertTrue(c.cmd("RCPT TO:<victim%elsewhere.org@elsewhere.org>").startsWith("550 5.7.1"));
            assertTrue(c.cmd("RCPT TO:<victim@elsewhere.org@example.org>").startsWith("501 5.1.3"), "two @ is no address at all");
            assertTrue(c.cmd("RCPT TO:<victim@example.com.evil.org>").startsWith("550 5.7.1"));
            assertTrue(c.cmd("RCPT TO:<nodomain>").startsWith("501 5.1.3"));
            // the percent hack on an accepted domain is routed locally by its real domain, never relayed
            assertTrue(c.cmd("RCPT TO:<victim%elsewhere.org@example.com>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<\"quoted local\"@example.com>").startsWith("250 2.1."));
        }
    }
}
