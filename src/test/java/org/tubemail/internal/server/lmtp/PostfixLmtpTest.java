package org.tubemail.internal.server.lmtp;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.handler.TryLaterException;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.PostfixInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Postfix (an instance of its own, see {@link PostfixInstance}) delivers to Tubemail over LMTP,
 * chosen by {@code transport_maps}: {@code lmtp:unix:} to a {@link UnixLmtpReceiver} and
 * {@code lmtp:inet:} to a {@link LmtpReceiver}. Several recipients share one transaction; a handler's
 * {@link TryLaterException} makes Postfix defer and retry; a handler's failure makes it bounce.
 */
class PostfixLmtpTest {

    public static class Handlers {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger laterCalls = new AtomicInteger();

        @Stateless
        @Route("ok-(n)@(host)")
        public void ok(MailRequest msg) {
            seen.add(msg.to() + " " + msg.subject());
        }

        @Stateless
        @Route("later@(host)")
        public void later(MailRequest msg) {
            if (laterCalls.incrementAndGet() <= 2) {
                throw new TryLaterException("the help desk API is down");
            }
            seen.add(msg.to() + " " + msg.subject());
        }

        @Stateless
        @Route("broken@(host)")
        public void broken() {
            throw new IllegalStateException("handler bug");
        }
    }

    @TempDir
    Path dir;

    private final Handlers handlers = new Handlers();
    private final MemoryQueue undeliverable = new MemoryQueue();
    private LmtpReceiver inet;
    private UnixLmtpReceiver unix;
    private PostfixInstance postfix;

    @BeforeEach
    void start() throws Exception {
        Router router = Router.builder().defaultCapture("host", "(unix|inet)\\.example\\.com").undeliverable(undeliverable)
                .handlers(handlers).build();
        ReceiverSettings settings = new ReceiverSettings("127.0.0.1", 0, Set.of("unix.example.com", "inet.example.com"),
                1_000_000, 50, Duration.ofSeconds(30), 10, 2);
        inet = new LmtpReceiver(settings, router);
        inet.start();
        Path socket = dir.resolve("run/lmtp.sock");
        unix = new UnixLmtpReceiver(socket, PosixFilePermissions.fromString("rw-rw-rw-"), "", settings, router);
        unix.start();
        postfix = PostfixInstance.start(dir.resolve("postfix"), List.of(
                "relay_domains = unix.example.com, inet.example.com",
                "transport_maps = inline:{ unix.example.com=lmtp:unix:" + socket + ", inet.example.com=lmtp:inet:127.0.0.1:"
                        + inet.port() + ", bounces.invalid=discard: }"));
    }

    @AfterEach
    void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        unix.stop(Duration.ofSeconds(2));
        inet.stop(Duration.ofSeconds(2));
    }

    private void send(String subject, String... to) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", String.valueOf(postfix.smtpPort()));
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom("sender@bounces.invalid");
        m.setSubject(subject);
        m.setText("hello from Postfix");
        InternetAddress[] rcpts = new InternetAddress[to.length];
        for (int i = 0; i < to.length; i++) {
            rcpts[i] = new InternetAddress(to[i]);
        }
        m.setRecipients(Message.RecipientType.TO, rcpts);
        Transport.send(m);
    }

    private static int count(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void deliversThroughUnixAndInetLmtpWithSeveralRecipientsInOneTransaction() throws Exception {
        send("multi", "ok-1@unix.example.com", "ok-2@unix.example.com", "ok-3@unix.example.com", "ok-4@inet.example.com",
                "ok-5@inet.example.com");
        String log = postfix.awaitLog(l -> count(l, "status=sent") >= 5, Duration.ofSeconds(20));
        assertEquals(5, count(log, "status=sent"), log);
        assertEquals(3, count(log, "relay=[^\\[,]*\\[" + Pattern.quote(dir.resolve("run/lmtp.sock").toString()) + "\\], .*status=sent"), log);
        assertEquals(2, count(log, "relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + inet.port() + ", .*status=sent"), log);
        // one LMTP transaction per transport: Postfix logs the same connection for the recipients of a destination
        assertEquals(Set.of("ok-1@unix.example.com multi", "ok-2@unix.example.com multi", "ok-3@unix.example.com multi",
                "ok-4@inet.example.com multi", "ok-5@inet.example.com multi"), Set.copyOf(handlers.seen));
        assertEquals(5, handlers.seen.size(), "each recipient handled exactly once");
    }

    @Test
    void temporaryFailureIsDeferredAndRetriedPermanentFailureBounces() throws Exception {
        send("retry me", "later@unix.example.com");
        send("break me", "broken@inet.example.com");
        // Postfix retries on its own (backoff 1-2 s); flushing its queue after 5 s without the result
        // keeps a retry that a loaded machine pushed 60 s back ("skipped, still being delivered") within the wait
        String log = postfix.awaitLogFlushing(l -> l.contains("status=bounced")
                && count(l, "to=<later@unix\\.example\\.com>.*status=sent") >= 1, Duration.ofSeconds(90), Duration.ofSeconds(5));
        assertTrue(count(log, "to=<later@unix\\.example\\.com>.*status=deferred \\(host .*451 4\\.3\\.0") >= 2, log);
        assertEquals(1, count(log, "to=<later@unix\\.example\\.com>.*status=sent"), log);
        assertEquals(3, handlers.laterCalls.get(), "two deferred attempts, then the one that worked");
        assertEquals(List.of("later@unix.example.com retry me"), handlers.seen);
        assertTrue(Pattern.compile("to=<broken@inet\\.example\\.com>.*status=bounced \\(host .*554 5\\.3\\.0").matcher(log).find(), log);
        assertTrue(log.contains("sender non-delivery notification"), log);
        assertEquals(1, undeliverable.count(), "the failed message is kept for the administrator");
        assertTrue(Files.exists(dir.resolve("run/lmtp.sock")));
    }
}
