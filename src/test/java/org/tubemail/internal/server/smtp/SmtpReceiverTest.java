package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Eventually;
import org.tubemail.support.ForwardingQueue;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SMTP receiver over real sockets on 127.0.0.1. */
class SmtpReceiverTest {

    /** Records who received what. */
    public static class Inbox {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<String> traces = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final List<String> peers = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch arrivals = new CountDownLatch(1);

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg, String user) {
            seen.add(msg.from() + ">" + msg.to() + "|" + msg.subject() + "|" + msg.peer().startsWith("127.0.0.1:"));
            traces.addAll(msg.headers("Received"));
            peers.add(msg.peer());
            threads.add(Thread.currentThread().getName());
            arrivals.countDown();
        }
    }

    private final Inbox inbox = new Inbox();
    private SmtpReceiver receiver;

    private SmtpReceiver start(MessageQueue spool, long maxBytes) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com|lists\\.example\\.com")
                .defaultCapture("user", "[^@]+").handlers(inbox).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com", "Lists.Example.com"),
                maxBytes, 3, Duration.ofSeconds(2), 20, 2), router, spool);
        receiver.start();
        return receiver;
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private static String message(String subject) {
        return "From: a@example.org\r\nTo: b@example.com\r\nSubject: " + subject + "\r\n\r\nbody\r\n.\r\n";
    }

    @Test
    void everyRecipientReachesTheRouterWithTheEnvelope(@TempDir Path dir) throws Exception {
        start(new MaildirQueue(dir.resolve("spool")), 100_000);
        inbox.arrivals = new CountDownLatch(2);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertTrue(c.reply().startsWith("220"));
            assertTrue(c.cmd("EHLO client.example.org").startsWith("250"));
            assertTrue(c.cmd("MAIL FROM:<sender@example.org>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<one@example.com>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<two@LISTS.example.com>").startsWith("250 2.1."));
            assertTrue(c.cmd("DATA").startsWith("354"));
            String done = c.cmd(message("hello").replace("\r\n.\r\n", "\r\n.\r\n").trim());
            assertTrue(done.startsWith("250 2.0.0 Ok: queued as"), done);
            assertEquals("221", c.cmd("QUIT").substring(0, 3));
        }
        assertTrue(inbox.arrivals.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("sender@example.org>one@example.com|hello|true", "sender@example.org>two@LISTS.example.com|hello|true"),
                inbox.seen);
        assertEquals(2, inbox.traces.size(), "one Received line per message, seen by each recipient: " + inbox.traces);
        assertTrue(inbox.traces.get(0).matches("from client\\.example\\.org \\(\\[127\\.0\\.0\\.1]\\)\\s+by \\S+ \\(Tubemail\\) "
                + "with ESMTP id \\S+;\\s+\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"), inbox.traces.get(0));
    }

    @Test
    void theTraceLineSaysSmtpAfterHelo(@TempDir Path dir) throws Exception {
        start(new MaildirQueue(dir.resolve("spool")), 100_000);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.begin("sender@example.org"); // HELO
            c.cmd("RCPT TO:<one@example.com>");
            c.cmd("DATA");
            assertTrue(c.cmd(message("helo").trim()).startsWith("250 2.0.0"));
            assertTrue(c.cmd("NOOP").startsWith("250"));
        }
        assertTrue(inbox.traces.get(0).matches("(?s).*\\) with SMTP id \\S+;.*"), inbox.traces.get(0));
    }

    @Test
    void theSessionRoutesItsMessageAfterTheReplyAndBeforeTheNextCommand(@TempDir Path dir) throws Exception {
        start(new LogQueue(dir.resolve("spool")), 100_000);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.begin("sender@example.org");
            c.cmd("RCPT TO:<one@example.com>");
            c.cmd("DATA");
            assertTrue(c.cmd(message("inline").trim()).startsWith("250 2.0.0"));
            assertTrue(c.cmd("NOOP").startsWith("250"));
            assertEquals(List.of("sender@example.org>one@example.com|inline|true"), inbox.seen,
                    "routed by the time the next command is answered");
            assertFalse(inbox.threads.get(0).startsWith("smtp-spool"), "routed in the session's thread, not a worker: " + inbox.threads);
        }
        assertEquals(0, receiver.inFlight());
    }

    @Test
    void limitsAnswerWithProperCodes() throws Exception {
        start(new MemoryQueue(), 2_000);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            assertTrue(c.cmd("FROB").startsWith("500"), "unknown command");
            assertTrue(c.cmd("RCPT TO:<a@example.com>").startsWith("503"), "RCPT before MAIL");
            assertTrue(c.cmd("DATA").startsWith("503"), "DATA before MAIL");
            c.cmd("EHLO client");
            assertTrue(c.cmd("MAIL FROM").startsWith("501"), "bad syntax");
            assertTrue(c.cmd("MAIL FROM:<s@example.org>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<a@example.com>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<b@example.com>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<c@example.com>").startsWith("250 2.1."));
            assertTrue(c.cmd("RCPT TO:<d@example.com>").startsWith("452"), "too many recipients");
            assertTrue(c.cmd("DATA").startsWith("354"));
            String big = "Subject: big\r\n\r\n" + "x".repeat(78).concat("\r\n").repeat(100) + ".\r\n";
            c.send(big);
            String r = c.reply();
            assertTrue(r.startsWith("552"), "too large: " + r);
        }
        assertEquals(0, inbox.seen.size());
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        start(new MemoryQueue(), 100_000);
        inbox.arrivals = new CountDownLatch(1);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            assertTrue(c.cmd("EHLO client").startsWith("250"));
            c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<a@example.com>\r\nRCPT TO:<x@foreign.org>\r\nDATA\r\n");
            assertTrue(c.reply().startsWith("250 2.1."));
            assertTrue(c.reply().startsWith("250 2.1."));
            assertTrue(c.reply().startsWith("550"));
            assertTrue(c.reply().startsWith("354"));
            c.send(message("piped"));
            assertTrue(c.reply().startsWith("250"));
        }
        assertTrue(inbox.arrivals.await(30, TimeUnit.SECONDS));
        assertEquals(1, inbox.seen.size());
    }

    @Test
    void disconnectMidDataProcessesNothing() throws Exception {
        MemoryQueue spool = new MemoryQueue();
        start(spool, 100_000);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.begin("s@example.org");
            c.cmd("RCPT TO:<a@example.com>");
            c.cmd("DATA");
            c.send("Subject: half\r\n\r\nhalf a message");
            c.close(true);
        }
        Thread.sleep(500);
        assertEquals(0, spool.count());
        assertEquals(List.of(), inbox.seen);
    }

    /** A spool whose disk is full. */
    static final class FailingQueue extends ForwardingQueue {
        @Override
        public String push(byte[] message) {
            throw new org.tubemail.internal.queue.QueueException("disk full", null);
        }
    }

    @Test
    void spoolFailureAnswers451AndRoutesNothing() throws Exception {
        start(new FailingQueue(), 100_000);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.begin("s@example.org");
            c.cmd("RCPT TO:<a@example.com>");
            c.cmd("DATA");
            c.send(message("lost?"));
            assertTrue(c.reply().startsWith("451 4.3.0"));
        }
        assertEquals(List.of(), inbox.seen);
    }

    @Test
    void messagesLeftInTheSpoolAreRoutedAtStart(@TempDir Path dir) throws Exception {
        MaildirQueue spool = new MaildirQueue(dir.resolve("spool"));
        spool.push(org.tubemail.internal.queue.EnvelopeHeaders.wrap(org.tubemail.mail.Envelope.of("old@example.org", "a@example.com"), "",
                "Subject: waiting\r\n\r\nx\r\n".getBytes()));
        spool.push("Subject: claimed\r\n\r\nx\r\n".getBytes());
        Optional<MessageQueue.QueuedMessage> crashed = spool.claim(); // a crashed run had claimed it
        assertTrue(crashed.isPresent());
        inbox.arrivals = new CountDownLatch(1);
        start(spool, 100_000);
        assertTrue(inbox.arrivals.await(30, TimeUnit.SECONDS));
        assertTrue(inbox.seen.contains("old@example.org>a@example.com|waiting|false"), inbox.seen.toString());
        // the one without envelope or recipient headers goes to the undeliverable queue, not lost; the
        // workers take the two in either order, so the spool empties only some time after the arrival
        Eventually.await("the spool emptied", () -> spool.count() == 0);
    }
}
