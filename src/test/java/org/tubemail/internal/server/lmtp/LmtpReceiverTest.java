package org.tubemail.internal.server.lmtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Authenticated;
import org.tubemail.handler.Route;
import org.tubemail.handler.SmtpReject;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LMTP over real sockets: one reply per recipient after DATA, from the router's outcome. */
class LmtpReceiverTest {

    public static class Handlers {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("ok-(n)@(host)")
        public void ok(MailRequest msg) {
            seen.add(msg.to() + "|" + msg.text().trim());
        }

        @Stateless
        @Route("members-only@(host)")
        public void membersOnly() {
            throw new SmtpReject(550, "5.7.1", "not a member of this list");
        }

        @Authenticated
        @Route("subscribe@(host)")
        public String START(MailRequest msg) {
            seen.add("subscribed " + msg.from());
            return "MEMBER";
        }

        @Route("subscribe@(host)")
        public String MEMBER(MailRequest msg) {
            return "MEMBER";
        }

        @Stateless
        @Route("broken@(host)")
        public void broken() {
            throw new IllegalStateException("handler bug");
        }
    }

    private final Handlers handlers = new Handlers();
    private final MemoryQueue undeliverable = new MemoryQueue();
    private final List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    private LmtpReceiver receiver;
    private Router router;

    @BeforeEach
    void start() throws Exception {
        router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(undeliverable).handlers(handlers)
                .monitor(new org.tubemail.internal.monitor.Monitor() {
                    @Override
                    public void connectionOpened() {
                        reports.add("connection");
                    }

                    @Override
                    public void accepted(String peer, String from, List<String> recipients, long bytes) {
                        reports.add("accepted " + from + " " + recipients);
                    }

                    @Override
                    public void refused(String stage, int code) {
                        reports.add("refused " + stage + " " + code);
                    }
                }).build();
        receiver = new LmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 2_000, 3, Duration.ofSeconds(2), 10, 1),
                router);
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(Duration.ofSeconds(2));
    }

    @Test
    void eachRecipientGetsItsOwnReply() throws Exception {
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertTrue(c.reply().startsWith("220"));
            assertTrue(c.cmd("LHLO mta.example.org").startsWith("250 SIZE"));
            assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<s@example.org> SIZE=100"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<ok-1@example.com>"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<broken@example.com>"));
            assertTrue(c.cmd("RCPT TO:<nobody@example.com>").startsWith("550 5.1.1"));
            assertTrue(c.cmd("RCPT TO:<x@elsewhere.org>").startsWith("550 5.7.1"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<ok-2@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            c.send("Subject: hi\r\n\r\n..dotted line\r\n.\r\n");
            assertEquals("250 2.0.0 <ok-1@example.com> delivered", c.reply());
            assertTrue(c.reply().startsWith("554 5.3.0 <broken@example.com>"));
            assertEquals("250 2.0.0 <ok-2@example.com> delivered", c.reply());
            assertEquals("221 2.0.0 Bye", c.cmd("QUIT"));
        }
        assertEquals(List.of("ok-1@example.com|.dotted line", "ok-2@example.com|.dotted line"), handlers.seen);
        assertEquals(1, undeliverable.count(), "the failed recipient's copy is kept");
        assertEquals(List.of("connection", "refused rcpt 550", "refused rcpt 550",
                "accepted s@example.org [ok-1@example.com, broken@example.com, ok-2@example.com]", "refused data 554"), reports,
                "what the metrics and the event stream are told (refused recipients counted as in SMTP)");
    }

    @Test
    void aHandlerRejectionIsThatRecipientsReplyAndTheOthersGetTheirOwn() throws Exception {
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("LHLO mta.example.org");
            c.cmd("MAIL FROM:<s@example.org>");
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<ok-1@example.com>"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<members-only@example.com>"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<ok-2@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            c.send("Subject: hi\r\n\r\npost\r\n.\r\n");
            assertEquals("250 2.0.0 <ok-1@example.com> delivered", c.reply());
            assertEquals("550 5.7.1 <members-only@example.com> not a member of this list", c.reply());
            assertEquals("250 2.0.0 <ok-2@example.com> delivered", c.reply());
        }
        assertEquals(2, handlers.seen.size());
        assertEquals(0, undeliverable.count(), "the MTA tells the sender; no copy is kept");
    }

    /** Behind an MTA that checks senders, its verdicts move an @Authenticated module, a sender's forged ones do not. */
    @Test
    void upstreamVerdictsAboveTheFirstReceivedLineAuthenticate() throws Exception {
        String forged = "Received: from evil.example.net by mx.example.com (Postfix)\r\n"
                + "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=alice@example.org; dkim=pass header.d=example.org\r\n";
        String checked = "Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=alice@example.org\r\n"
                + "Authentication-Results: mx.example.com; dkim=pass header.d=example.org header.s=s1\r\n"
                + "Received: from mail.example.org by mx.example.com (Postfix)\r\n";
        assertEquals("550 5.7.26 <subscribe@example.com> accepts only authenticated senders; kept for the administrator",
                subscribe(forged), "a believing receiver, the sender's own header");
        assertEquals("550 5.7.26 <subscribe@example.com> accepts only authenticated senders; kept for the administrator",
                subscribe(checked), "a receiver that believes nobody");

        receiver.stop(Duration.ofSeconds(2));
        receiver = new LmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 2_000, 3, Duration.ofSeconds(2), 10, 1),
                router).believing(UpstreamResults.trusting("mx.example.com"));
        receiver.start();
        assertEquals("550 5.7.26 <subscribe@example.com> accepts only authenticated senders; kept for the administrator",
                subscribe(forged), "a believing receiver, the sender's own header");
        assertEquals(List.of(), handlers.seen);
        assertEquals("250 2.0.0 <subscribe@example.com> delivered", subscribe(checked));
        assertEquals(List.of("subscribed alice@example.org"), handlers.seen);
        assertEquals("MEMBER", router.storage().get(router.modules().get(0).name(), "alice@example.org"));
    }

    private String subscribe(String headers) throws Exception {
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("LHLO mta.example.org");
            c.cmd("MAIL FROM:<alice@example.org>");
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<subscribe@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            c.send(headers + "From: alice@example.org\r\nSubject: subscribe\r\n\r\nplease\r\n.\r\n");
            return c.reply();
        }
    }

    @Test
    void brokenPathsAreRefusedAndUtf8PathsTaken() throws Exception { // bare LF lines: hostile.SmugglingAndRelayTest
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("LHLO mta.example.org");
            assertTrue(c.cmd("MAIL FROM:not-an-address-<<").startsWith("501 5.1.7"));
            assertTrue(c.cmd("MAIL FROM:<a\u2028b@example.org>").startsWith("501 5.1.7"));
            assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<jöse@example.org>"));
            assertTrue(c.cmd("RCPT TO:<ok-1@b@example.com>").startsWith("501 5.1.3"));
            assertTrue(c.cmd("RCPT TO:<ok\u0085@example.com>").startsWith("501 5.1.3"));
        }
    }

    @Test
    void recipientsMatchInAnyCase() throws Exception {
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("LHLO mta.example.org");
            assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<s@example.org>"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<OK-1@EXAMPLE.COM>"));
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<Ok-2@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            c.send("Subject: hi\r\n\r\nmixed\r\n.\r\n");
            assertEquals("250 2.0.0 <OK-1@EXAMPLE.COM> delivered", c.reply());
            assertEquals("250 2.0.0 <Ok-2@example.com> delivered", c.reply());
        }
        assertEquals(List.of("OK-1@EXAMPLE.COM|mixed", "Ok-2@example.com|mixed"), handlers.seen);
    }

    @Test
    void commandsOutOfOrderAndLimits() throws Exception {
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            assertTrue(c.cmd("EHLO x").startsWith("500"), "LMTP wants LHLO");
            assertTrue(c.cmd("MAIL FROM:<s@example.org>").startsWith("503"), "MAIL before LHLO");
            assertTrue(c.cmd("LHLO").startsWith("501"));
            c.cmd("LHLO mta");
            assertTrue(c.cmd("RCPT TO:<ok-1@example.com>").startsWith("503"), "RCPT before MAIL");
            assertTrue(c.cmd("DATA").startsWith("503"), "DATA before MAIL");
            assertTrue(c.cmd("MAIL FROM:<s@example.org").startsWith("501"));
            assertTrue(c.cmd("MAIL FROM:a@b@example.org").startsWith("501"));
            assertTrue(c.cmd("FROB").startsWith("500"));
            c.cmd("MAIL FROM:<>");
            c.cmd("RCPT TO:<ok-1@example.com>");
            c.cmd("RCPT TO:<ok-2@example.com>");
            c.cmd("RCPT TO:<ok-3@example.com>");
            assertTrue(c.cmd("RCPT TO:<ok-4@example.com>").startsWith("452"));
            c.cmd("DATA");
            c.send("Subject: big\r\n\r\n" + "y".repeat(70).concat("\r\n").repeat(60) + ".\r\n");
            for (int i = 0; i < 3; i++) {
                assertTrue(c.reply().startsWith("552 5.3.4"));
            }
            assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
        }
        assertEquals(List.of(), handlers.seen);
    }
}
