package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.IpNetworks;
import org.tubemail.internal.server.guard.TalkerSettings;
import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Eventually;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Early, slow and noisy talkers over real sockets on 127.0.0.1: each is refused with its code, the
 * connection ends, the refusal is reported once to the monitor, and other clients are served
 * meanwhile. Limits are test-sized; nothing asserts on durations.
 */
class SmtpTalkersTest {

    /** Takes mail for {@code known@example.com} and {@code alice@example.com} only. */
    public static class Inbox {
        final List<String> subjects = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg) {
            subjects.add(msg.subject());
        }
    }

    /** Records every refusal by a defence against abuse. */
    static final class Refusals implements Monitor {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void clientRefused(String client, String reason, String reply) {
            seen.add(client + " " + reason + " " + reply.substring(0, 9));
        }
    }

    private static final TalkerSettings D = TalkerSettings.DEFAULTS;

    private final Inbox inbox = new Inbox();
    private final Refusals refusals = new Refusals();
    private SmtpReceiver receiver;

    private void start(TalkerSettings talkers) throws IOException {
        start(talkers, ConnectionSecurity.NONE);
    }

    private void start(TalkerSettings talkers, ConnectionSecurity security) throws IOException {
        start(talkers, security, ClientLimits.NONE);
    }

    private void start(TalkerSettings talkers, ConnectionSecurity security, ClientLimits limits) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "known|alice")
                .handlers(inbox).monitor(refusals).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 1000,
                Duration.ofSeconds(30), 50, 2), router, new MemoryQueue(), security).talkers(talkers).limits(limits);
        receiver.start();
    }

    /** A client connected from {@code source}, a loopback address. */
    private SmtpClient from(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", receiver.port()));
        return new SmtpClient(s);
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private static TalkerSettings greetDelay(Duration d) {
        return new TalkerSettings(d, true, D.sessionMax(), D.dataMinBytesPerSecond(), D.dataRateWindow(), D.softErrorLimit(),
                D.hardErrorLimit(), D.errorDelay());
    }

    private static TalkerSettings errorLimits(int soft, int hard, Duration delay) {
        return new TalkerSettings(Duration.ZERO, true, D.sessionMax(), D.dataMinBytesPerSecond(), D.dataRateWindow(), soft, hard, delay);
    }

    private static void assertReply(String prefix, String reply) {
        assertTrue(reply.startsWith(prefix), "expected " + prefix + ", got: " + reply);
    }

    /** Sends one message for known@example.com on a new connection; returns the reply to its end. */
    private String sendNormally(String subject) throws IOException {
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client.example.org"));
            assertReply("250", c.cmd("MAIL FROM:<s@example.org>"));
            assertReply("250", c.cmd("RCPT TO:<known@example.com>"));
            assertReply("354", c.cmd("DATA"));
            String reply = c.cmd("Subject: " + subject + "\r\n\r\nbody\r\n.");
            c.cmd("QUIT");
            return reply;
        }
    }

    // ---- early talkers ----

    @Test
    void aClientThatTalksBeforeTheGreetingGets554AndIsDisconnected() throws Exception {
        start(greetDelay(Duration.ofSeconds(10))); // the test never waits for it: the refusal comes at once
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.send("EHLO early.example.org\r\n");
            assertReply("554 5.5.0 ", c.reply());
            assertEquals("(closed)", c.reply());
        }
        assertEquals(List.of("127.0.0.1 early_talker 554 5.5.0"), refusals.seen);
    }

    @Test
    void withAGreetingDelayAClientThatWaitsIsServed() throws Exception {
        start(greetDelay(Duration.ofMillis(300)));
        assertReply("250 2.0.0 Ok", sendNormally("patient"));
        Eventually.await("routed", () -> inbox.subjects.size() == 1);
        assertEquals(List.of(), refusals.seen);
    }

    @Test
    void withoutADelayWhatCameBeforeTheGreetingIsStillRefused() throws Exception {
        // behind a trusted proxy, the client's early words come in the same packet as the PROXY header:
        // they were certainly sent before any greeting
        start(D, new ConnectionSecurity(null, false, ProxyPolicy.trusting(List.of("127.0.0.1/32"))));
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.send("PROXY TCP4 192.0.2.1 192.0.2.2 4000 25\r\nEHLO early.example.org\r\n");
            assertReply("554 5.5.0 ", c.reply());
            assertEquals("(closed)", c.reply());
        }
        assertEquals(List.of("192.0.2.1 early_talker 554 5.5.0"), refusals.seen);
        try (SmtpClient c = new SmtpClient(receiver.port())) { // one that waits is greeted
            c.send("PROXY TCP4 192.0.2.3 192.0.2.2 4000 25\r\n");
            assertReply("220 ", c.reply());
            assertReply("250", c.cmd("EHLO patient.example.org"));
        }
    }

    // ---- pipelining ----

    @Test
    void pipeliningAfterHeloIsRefusedBeforeTheCommandRuns() throws Exception {
        start(D);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("HELO client.example.org"));
            c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<known@example.com>\r\n");
            assertReply("554 5.5.0 ", c.reply()); // not a 250 to MAIL first
            assertEquals("(closed)", c.reply());
        }
        assertEquals(List.of("127.0.0.1 unauth_pipelining 554 5.5.0"), refusals.seen);
    }

    @Test
    void pipeliningBeforeEhloAndAfterEhloInOneGroupIsRefused() throws Exception {
        start(D);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            c.send("EHLO client.example.org\r\nMAIL FROM:<s@example.org>\r\n"); // EHLO must end its group
            assertReply("554 5.5.0 ", c.reply());
            assertEquals("(closed)", c.reply());
        }
        assertEquals(List.of("127.0.0.1 unauth_pipelining 554 5.5.0"), refusals.seen);
    }

    @Test
    void dataWithItsTextInOneWriteIsRefusedAndNothingIsDelivered() throws Exception {
        start(D);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client.example.org"));
            c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<known@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
            assertReply("250 2.1.0", c.reply());
            assertReply("250 2.1.5", c.reply());
            assertReply("554 5.5.0 ", c.reply()); // DATA had to wait for its 354
            assertEquals("(closed)", c.reply());
        }
        assertReply("250 2.0.0 Ok", sendNormally("after"));
        Eventually.await("routed", () -> inbox.subjects.size() == 1);
        assertEquals(List.of("after"), inbox.subjects);
    }

    @Test
    void pipeliningAfterEhloOfferedItWorks() throws Exception {
        start(D);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client.example.org"));
            for (int i = 0; i < 3; i++) {
                c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<known@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
                assertReply("250 2.1.0", c.reply());
                assertReply("250 2.1.5", c.reply());
                assertReply("250 2.1.5", c.reply());
                assertReply("354", c.reply());
                c.send("Subject: piped " + i + "\r\n\r\nx\r\n.\r\nRSET\r\n");
                assertReply("250 2.0.0 Ok: queued", c.reply());
                assertReply("250 2.0.0 Ok", c.reply());
            }
            assertReply("221", c.cmd("QUIT"));
        }
        Eventually.await("routed", () -> inbox.subjects.size() == 6); // once per recipient
        assertEquals(List.of(), refusals.seen);
    }

    // ---- slow talkers ----

    @Test
    void aDripDuringDataIsCutWhileANormalClientIsServed() throws Exception {
        start(new TalkerSettings(Duration.ZERO, true, Duration.ZERO, 100, Duration.ofSeconds(3), 10, 20, Duration.ofSeconds(1)));
        try (SmtpClient drip = new SmtpClient(receiver.port())) {
            assertReply("220", drip.reply());
            assertReply("250", drip.cmd("EHLO drip.example.org"));
            assertReply("250", drip.cmd("MAIL FROM:<s@example.org>"));
            assertReply("250", drip.cmd("RCPT TO:<known@example.com>"));
            assertReply("354", drip.cmd("DATA"));
            AtomicBoolean stop = new AtomicBoolean();
            Thread dripper = new Thread(() -> { // one byte every 200 ms: 5 bytes a second, each resetting the idle timeout
                try {
                    OutputStream out = drip.socket().getOutputStream();
                    for (int i = 0; i < 300 && !stop.get(); i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off: what this test waits for
                }
            });
            dripper.start();
            assertReply("250 2.0.0 Ok", sendNormally("meanwhile"));
            String cut = drip.reply();
            stop.set(true);
            dripper.join();
            assertReply("421 4.4.2 ", cut);
            assertTrue(cut.contains("the minimum is 100 bytes per second"), cut);
            assertEquals("(closed)", replyOrClosed(drip));
        }
        assertEquals(List.of("127.0.0.1 slow_data 421 4.4.2"), refusals.seen);
        Eventually.await("routed", () -> inbox.subjects.size() == 1);
        assertEquals(List.of("meanwhile"), inbox.subjects, "nothing of the drip was taken");
    }

    @Test
    void aMessageInBurstsThatKeepsTheRateArrives() throws Exception {
        start(new TalkerSettings(Duration.ZERO, true, Duration.ZERO, 100, Duration.ofSeconds(3), 10, 20, Duration.ofSeconds(1)));
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO slow.example.org"));
            assertReply("250", c.cmd("MAIL FROM:<s@example.org>"));
            assertReply("250", c.cmd("RCPT TO:<known@example.com>"));
            assertReply("354", c.cmd("DATA"));
            c.send("Subject: bursts\r\n\r\n");
            for (int i = 0; i < 20; i++) { // 4 KB every 200 ms (80 KB), over more than one window: far above 100 bytes a second
                c.send(("y".repeat(78) + "\r\n").repeat(50));
                Thread.sleep(200);
            }
            assertReply("250 2.0.0 Ok", c.cmd("."));
        }
        Eventually.await("routed", () -> inbox.subjects.size() == 1);
        assertEquals(List.of(), refusals.seen);
    }

    @Test
    void aSessionPastItsTimeLimitIsEndedWith421() throws Exception {
        start(new TalkerSettings(Duration.ZERO, true, Duration.ofSeconds(2), D.dataMinBytesPerSecond(), D.dataRateWindow(), 10, 20,
                Duration.ofSeconds(1)));
        List<String> replies = new ArrayList<>();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            replies.add(c.cmd("EHLO client.example.org"));
            for (int i = 0; i < 300 && replies.get(replies.size() - 1).startsWith("250"); i++) { // a busy, never idle session
                Thread.sleep(100);
                replies.add(c.cmd("NOOP"));
            }
            String last = replies.get(replies.size() - 1);
            assertReply("421 4.4.2 ", last);
            assertTrue(last.contains("session time limit of 2 seconds"), last);
            assertEquals("(closed)", replyOrClosed(c));
        }
        assertTrue(replies.subList(0, replies.size() - 1).stream().allMatch(r -> r.startsWith("250")), replies.toString());
        assertEquals(List.of("127.0.0.1 session_time 421 4.4.2"), refusals.seen);
    }

    // ---- trusted networks, as postscreen's allowlist: no greeting delay, no pipelining rule; error limits hold ----

    @Test
    void aTrustedClientIsGreetedAtOnceAndMayPipelineButItsErrorsAreStillLimited() throws Exception {
        start(new TalkerSettings(Duration.ofSeconds(30), true, D.sessionMax(), D.dataMinBytesPerSecond(), D.dataRateWindow(), 2, 4,
                Duration.ofMillis(20)), ConnectionSecurity.NONE, ClientLimits.NONE.trusting(IpNetworks.parse(List.of("127.0.0.2/32"))));
        try (SmtpClient c = from("127.0.0.2")) {
            assertReply("220", c.reply()); // at once: the test would wait 30 s otherwise, and fail on its read timeout
            assertReply("250", c.cmd("HELO appliance.example.org"));
            c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<known@example.com>\r\n"); // pipelined though PIPELINING was not offered
            assertReply("250", c.reply());
            assertReply("250", c.reply());
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                codes.add(c.cmd("RCPT TO:<nobody" + i + "@example.com>"));
            }
            assertTrue(codes.stream().allMatch(r -> r.startsWith("550 5.1.1")), codes.toString());
            assertReply("421 4.7.0 ", c.reply());
        }
        assertEquals(List.of("127.0.0.2 error_limit 421 4.7.0"), refusals.seen);

        try (SmtpClient c = from("127.0.0.3")) { // not trusted: the same pipelining is refused
            c.send("HELO client.example.org\r\n"); // before the greeting: an early talker
            assertReply("554 5.5.0 ", c.reply());
        }
        assertEquals(List.of("127.0.0.2 error_limit 421 4.7.0", "127.0.0.3 early_talker 554 5.5.0"), refusals.seen);
    }

    @Test
    void aTrustedClientMayPipelineWhereOthersAreRefused() throws Exception {
        start(D, ConnectionSecurity.NONE, ClientLimits.NONE.trusting(IpNetworks.parse(List.of("127.0.0.2/32"))));
        for (String source : List.of("127.0.0.2", "127.0.0.3")) {
            try (SmtpClient c = from(source)) {
                assertReply("220", c.reply());
                assertReply("250", c.cmd("HELO client.example.org"));
                c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<known@example.com>\r\n");
                assertReply(source.equals("127.0.0.2") ? "250" : "554 5.5.0 ", c.reply());
            }
        }
        assertEquals(List.of("127.0.0.3 unauth_pipelining 554 5.5.0"), refusals.seen);
    }

    // ---- noisy talkers ----

    @Test
    void afterTheHardErrorLimitTheSessionEndsWith421() throws Exception {
        start(errorLimits(3, 6, Duration.ofMillis(20)));
        List<String> codes = new ArrayList<>();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client.example.org"));
            assertReply("250", c.cmd("MAIL FROM:<s@example.org>"));
            for (int i = 0; i < 6; i++) {
                codes.add(c.cmd("RCPT TO:<nobody" + i + "@example.com>"));
            }
            String last = c.reply(); // after the sixth error the 421 comes without another command
            assertReply("421 4.7.0 ", last);
            assertTrue(last.contains("too many errors (the limit is 6)"), last);
            assertEquals("(closed)", c.reply());
        }
        assertEquals(6, codes.size());
        assertTrue(codes.stream().allMatch(r -> r.startsWith("550 5.1.1")), codes.toString());
        assertEquals(List.of("127.0.0.1 error_limit 421 4.7.0"), refusals.seen);
    }

    @Test
    void aDictionaryAttackOfAThousandPipelinedRecipientsGetsTheHardLimitOfAnswers() throws Exception {
        start(errorLimits(3, 6, Duration.ofMillis(20)));
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client.example.org"));
            assertReply("250", c.cmd("MAIL FROM:<s@example.org>"));
            StringBuilder attack = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                attack.append("RCPT TO:<guess").append(i).append("@example.com>\r\n");
            }
            Thread writer = new Thread(() -> {
                try {
                    c.send(attack.toString());
                } catch (IOException e) {
                    // the server hung up on the rest
                }
            });
            writer.start();
            List<String> codes = new ArrayList<>();
            for (String r = c.reply(); !r.equals("(closed)"); r = replyOrClosed(c)) {
                codes.add(r.substring(0, 3));
            }
            writer.join();
            assertEquals(List.of("550", "550", "550", "550", "550", "550", "421"), codes, "6 of 1000 guesses answered");
        }
        assertEquals(List.of("127.0.0.1 error_limit 421 4.7.0"), refusals.seen);
    }

    /** The next reply, or "(closed)" also when the server reset the connection (it hung up on unread input). */
    private static String replyOrClosed(SmtpClient c) {
        try {
            return c.reply();
        } catch (IOException e) {
            return "(closed)";
        }
    }

    @Test
    void anAcceptedMessageForgivesTheErrorsBeforeIt() throws Exception {
        start(errorLimits(2, 4, Duration.ofMillis(20)));
        List<String> codes = new ArrayList<>();
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertReply("220", c.reply());
            assertReply("250", c.cmd("EHLO client.example.org"));
            for (int round = 0; round < 3; round++) {
                codes.add(c.cmd("MAIL FROM:<s@example.org>").substring(0, 3));
                for (int i = 0; i < 3; i++) { // three errors: past the soft limit, one short of the hard one
                    codes.add(c.cmd("RCPT TO:<nobody" + i + "@example.com>").substring(0, 3));
                }
                codes.add(c.cmd("RCPT TO:<known@example.com>").substring(0, 3));
                codes.add(c.cmd("DATA").substring(0, 3));
                codes.add(c.cmd("Subject: round " + round + "\r\n\r\nx\r\n.").substring(0, 3));
            }
            assertReply("221", c.cmd("QUIT"));
        }
        assertEquals(List.of("250", "550", "550", "550", "250", "354", "250").size() * 3, codes.size());
        for (int round = 0; round < 3; round++) {
            assertEquals(List.of("250", "550", "550", "550", "250", "354", "250"), codes.subList(round * 7, round * 7 + 7));
        }
        assertEquals(List.of(), refusals.seen);
    }

    @Test
    void aHeldReplyWaitsWithoutHoldingUpOtherClients() throws Exception {
        start(errorLimits(1, 10, Duration.ofSeconds(60)));
        try (SmtpClient noisy = new SmtpClient(receiver.port())) {
            assertReply("220", noisy.reply());
            assertReply("250", noisy.cmd("EHLO noisy.example.org"));
            assertReply("500", noisy.cmd("BOGUS")); // the soft limit: answered at once
            noisy.send("BOGUS\r\n"); // past it: held back for a minute
            noisy.socket().setSoTimeout(2_000);
            assertThrows(SocketTimeoutException.class, noisy::reply, "the reply is held back");
            assertReply("250 2.0.0 Ok", sendNormally("meanwhile")); // the loop serves others while it holds that reply
        }
        Eventually.await("routed", () -> inbox.subjects.size() == 1);
    }
}
