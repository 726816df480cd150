package org.tubemail.internal.app;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.mail.Bounce;
import org.tubemail.support.PostfixInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real bounces from a real Postfix: posts sent through a Postfix instance with the list's VERP
 * return path fail in three ways, and the delivery status notifications Postfix writes come back
 * over SMTP into Tubemail, where {@code @BounceTo} hands each to the method for its kind:
 * <ul>
 *   <li>a recipient that Tubemail's own SMTP server refuses at {@code RCPT} ({@code 550 5.1.1}, no
 *       route): a hard bounce naming the remote server and its reply;</li>
 *   <li>a domain that Postfix's {@code error} transport fails ({@code 5.1.2}): hard;</li>
 *   <li>a domain that Postfix's {@code retry} transport defers ({@code 4.2.2}), with delay warnings
 *       after 1 s: a soft bounce ({@code Action: delayed}).</li>
 * </ul>
 * (GreenMail accepts every recipient, so Tubemail's own server plays the refusing remote.)
 */
class PostfixBounceTest {

    @TempDir
    Path home;

    private TubemailServer server;
    private PostfixInstance postfix;
    private BounceRecorder recorder;

    @BeforeEach
    void start() throws Exception {
        server = TubemailServer.configure(Settings.of("test-settings", home, Map.of(
                "receiver.smtp.port", "0", "http.enabled", "false",
                "receiver.accepted.domains", "lists.example.com",
                "route.default.host", "lists\\.example\\.com",
                "handlers", BounceRecorder.class.getName(),
                "storage.kind", "memory")));
        server.start();
        recorder = (BounceRecorder) server.router().routes().get(0).module().instance();
        postfix = PostfixInstance.routing("postfix-bounce", List.of(
                "lists.example.com smtp:[127.0.0.1]:" + server.smtpPort(),
                "gone.test error:5.1.2 Host or domain name not found",
                "full.test retry:4.2.2 Mailbox full"), "delay_warning_time = 1s");
    }

    @AfterEach
    void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private void post(String member) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", String.valueOf(postfix.smtpPort()));
        p.setProperty("mail.smtp.from", "dev-bounce-" + member.replace('@', '=') + "@lists.example.com");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom("bob@example.org");
        m.setRecipients(Message.RecipientType.TO, member);
        m.setSubject("post for " + member);
        m.setHeader("Message-ID", "<post-" + member + ">");
        m.setText("hello");
        Transport.send(m);
    }

    /**
     * The next DSN of {@code queue}. The delay warning needs Postfix to retry the deferred message, which a loaded
     * machine can push 60 s back ("skipped, still being delivered"): after each 5 s without a DSN, Postfix's queue
     * is flushed; up to 60 s in all.
     */
    private BounceRecorder.Got await(BlockingQueue<BounceRecorder.Got> queue, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        BounceRecorder.Got got = queue.poll(5, TimeUnit.SECONDS);
        while (got == null && System.nanoTime() < deadline) {
            postfix.flushQueueQuietly();
            got = queue.poll(5, TimeUnit.SECONDS);
        }
        assertNotNull(got, "no " + what + " within 60 s; Postfix log:\n" + postfix.log());
        return got;
    }

    @Test
    void postfixBouncesAreReadAndRoutedByKind() throws Exception {
        post("nobody@lists.example.com");
        BounceRecorder.Got refused = await(recorder.hard, "hard bounce for a refused RCPT");
        Bounce b = refused.bounce();
        assertEquals("nobody@lists.example.com", refused.member());
        assertEquals(Bounce.Source.DSN, b.source());
        assertEquals("5.1.1", b.status().toString());
        assertEquals("Permanent failure: Bad destination mailbox address", b.statusMeaning());
        assertEquals("nobody@lists.example.com", b.finalRecipient());
        assertEquals("postfix.test", b.reportingMta());
        assertEquals("127.0.0.1", b.remoteMta());
        assertTrue(b.diagnostic().startsWith("smtp; 550 5.1.1") || b.diagnostic().startsWith("550 5.1.1"), b.diagnostic());
        assertEquals("post for nobody@lists.example.com", b.originalHeader("Subject").orElseThrow(), "returned headers");

        post("someone@gone.test");
        Bounce gone = await(recorder.hard, "hard bounce from the error transport").bounce();
        assertEquals("someone@gone.test", gone.finalRecipient());
        assertEquals("5.1.2", gone.status().toString());
        assertTrue(gone.diagnostic().contains("Host or domain name not found"), gone.diagnostic());

        post("someone@full.test");
        BounceRecorder.Got delayed = await(recorder.soft, "delay warning");
        assertEquals("someone@full.test", delayed.member());
        assertEquals("delayed", delayed.bounce().primary().action());
        assertEquals("4.2.2", delayed.bounce().status().toString());
        assertTrue(recorder.other.isEmpty(), "every DSN was read as a bounce: " + recorder.other);
    }
}
