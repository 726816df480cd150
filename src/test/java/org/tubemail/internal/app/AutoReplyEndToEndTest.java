package org.tubemail.internal.app;

import com.icegreen.greenmail.util.GreenMail;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Dnsmasq;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Automatic replies end to end, every part real: the echo example in a configured server that checks
 * SPF and DMARC against a dnsmasq serving the test's records, replies leaving by MX delivery to a
 * GreenMail on 127.0.0.2. A sender whose domain says {@code -all} for this client, or whose
 * {@code From:} domain says DMARC {@code p=reject} and fails, gets no echo (backscatter); a
 * {@code ~all} softfail does get one; one address gets at most {@code reply.auto.limit} echoes.
 */
class AutoReplyEndToEndTest {

    @TempDir
    Path home;

    private Dnsmasq dns;
    private GreenMail senders;
    private TubemailServer server;

    @BeforeEach
    void start() throws Exception {
        senders = MailPeers.startMx(0);
        dns = Dnsmasq.builder()
                .txt("example.org", "v=spf1 ip4:127.0.0.1 -all")
                .txt("forged.test", "v=spf1 ip4:192.0.2.1 -all")
                .txt("soft.test", "v=spf1 ip4:192.0.2.1 ~all")
                .txt("_dmarc.strict.test", "v=DMARC1; p=reject")
                .mx("example.org", "mx.senders.test", 10).mx("forged.test", "mx.senders.test", 10)
                .mx("soft.test", "mx.senders.test", 10).mx("strict.test", "mx.senders.test", 10)
                .a("mx.senders.test", "127.0.0.2")
                .start();
        server = TubemailServer.configure(Settings.of("test-settings", home, MailPeers.serverSettings(dns, senders,
                "http.port", "0",
                "receiver.accepted.domains", "localhost, example.com",
                "route.default.host", "example\\.com",
                "handlers", "org.tubemail.examples.echo.EchoHandler",
                "reply.auto.limit", "2",
                "relay.helo", "example.com")));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        senders.stop();
        dns.close();
    }

    private void send(String from, String subject) throws Exception {
        MailPeers.send(server.smtpPort(), from, "echo@example.com", subject, "");
    }

    /** Waits until {@code count} replies were suppressed for {@code reason}. */
    private void awaitSuppressed(String reason, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Counter c = server.meters().find("tubemail.replies.suppressed").tag("reason", reason).counter();
            if (c != null && c.count() >= count) {
                assertEquals(count, (int) c.count());
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + count + " suppressed replies for " + reason + " within 20 s");
    }

    @Test
    void aForgedSenderGetsNoReplyAndASoftfailDoes() throws Exception {
        send("victim@forged.test", "spf says -all");
        awaitSuppressed("spf_fail", 1);
        send("anyone@strict.test", "dmarc says reject");
        awaitSuppressed("dmarc_reject", 1);
        send("maybe@soft.test", "spf says ~all");
        MailRequest echo = MailPeers.parse(MailPeers.awaitMail(senders, "maybe@soft.test", 1, "softfail is no proof of forgery"));
        assertEquals("Re: spf says ~all", echo.subject());
        assertEquals("auto-replied", echo.header("Auto-Submitted").orElseThrow());
        assertEquals(0, MailPeers.inbox(senders, "victim@forged.test").size());
        assertEquals(0, MailPeers.inbox(senders, "anyone@strict.test").size());
        assertEquals(0, server.router().undeliverableQueue().count(), "the messages were handled, only the replies dropped");
    }

    @Test
    void oneAddressGetsAtMostTheLimitOfEchoes() throws Exception {
        send("bob@example.org", "one");
        send("bob@example.org", "two");
        MailPeers.awaitMail(senders, "bob@example.org", 2, "two echoes");
        send("bob@example.org", "three");
        awaitSuppressed("rate", 1);
        assertEquals(2, MailPeers.inbox(senders, "bob@example.org").size());
        send("ann@example.org", "another address");
        MailPeers.awaitMail(senders, "ann@example.org", 1, "ann has her own count");
    }
}
