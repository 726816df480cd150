package org.tubemail.internal.app;

import com.icegreen.greenmail.util.GreenMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.support.Dnsmasq;
import org.tubemail.support.PostfixInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member whose mailbox goes away stops getting posts, with every part real: the list delivers by
 * MX; {@code gone.test}'s MX is a real Postfix that first passes mail on to GreenMail (so the member
 * can confirm), then, reloaded with its {@code error} transport for the domain, bounces every copy
 * with a DSN that Postfix sends back over SMTP to the list's VERP address. Three hard bounces
 * disable the member: the fourth post is not even handed to Postfix.
 */
class MailingListBounceTest {

    private static final Pattern CONFIRM = Pattern.compile("(dev-confirm-[0-9a-f]{32}@lists\\.example\\.com)");

    @TempDir
    Path home;

    private PostfixInstance postfix;
    private Dnsmasq dns;
    private GreenMail mailboxes;
    private TubemailServer server;

    @BeforeEach
    void start() throws Exception {
        server = null;
        postfix = PostfixInstance.routing("list-bounce", List.of());
        int port = postfix.smtpPort(); // every exchanger listens on this port: Postfix on 127.0.0.1, GreenMail on 127.0.0.2
        mailboxes = MailPeers.startMx(port);
        dns = Dnsmasq.builder()
                .txt("example.org", "v=spf1 ip4:127.0.0.1 -all").txt("gone.test", "v=spf1 ip4:127.0.0.1 -all")
                .mx("example.org", "mx.example.org", 10).a("mx.example.org", "127.0.0.2")
                .mx("gone.test", "mx.gone.test", 10).a("mx.gone.test", "127.0.0.1")
                .start();
        server = TubemailServer.configure(Settings.of("test-settings", home, MailPeers.serverSettings(dns, mailboxes,
                "http.enabled", "false",
                "receiver.accepted.domains", "lists.example.com",
                "route.default.listdomain", "lists\\.example\\.com",
                "handlers", "org.tubemail.examples.mailinglist.MailingListHandler")));
        server.start();
        route("gone.test smtp:[127.0.0.2]:" + port, "lists.example.com smtp:[127.0.0.1]:" + server.smtpPort());
    }

    /** Rewrites Postfix's transport table and reloads it. */
    private void route(String... lines) throws Exception {
        postfix.route(List.of(lines));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        if (mailboxes != null) {
            mailboxes.stop();
        }
        if (dns != null) {
            dns.close();
        }
        if (postfix != null) {
            postfix.close();
        }
    }

    private void join(String who) throws Exception {
        MailPeers.send(server.smtpPort(), who, "dev-subscribe@lists.example.com", "join", "");
        Matcher m = CONFIRM.matcher(MailPeers.parse(MailPeers.awaitMail(mailboxes, who, 1, log())).text());
        assertTrue(m.find());
        MailPeers.send(server.smtpPort(), who, m.group(1), "yes", "");
        assertEquals("Welcome to dev", MailPeers.parse(MailPeers.awaitMail(mailboxes, who, 2, log())).subject());
    }

    private String log() throws Exception {
        return "Postfix log:\n" + postfix.log();
    }

    private long count(String log, String regex) {
        return Pattern.compile(regex).matcher(log).results().count();
    }

    @Test
    void threeHardBouncesFromPostfixDisableAMember() throws Exception {
        join("ann@example.org");
        join("zed@gone.test");   // confirmed through Postfix, which still delivers for gone.test
        join("zoe@example.org"); // after zed in member order: her copy shows that zed's turn has passed
        route("gone.test error:5.1.1 Mailbox unavailable", "lists.example.com smtp:[127.0.0.1]:" + server.smtpPort());

        for (int i = 1; i <= 3; i++) {
            MailPeers.send(server.smtpPort(), "ann@example.org", "dev@lists.example.com", "post " + i, "<post-" + i + "@example.org>");
            MailPeers.awaitMail(mailboxes, "zoe@example.org", 2 + i, log());
            int expected = i;
            String log = postfix.awaitLog(l -> count(l, "to=<dev-bounce-zed=gone.test@lists.example.com>.*status=sent") >= expected,
                    Duration.ofSeconds(20));
            assertEquals(i, count(log, "to=<zed@gone.test>.*status=bounced"), log);
            assertEquals(i, count(log, "to=<dev-bounce-zed=gone.test@lists.example.com>.*status=sent"),
                    "Postfix's DSN reached the list's VERP address\n" + log);
        }
        MailPeers.send(server.smtpPort(), "ann@example.org", "dev@lists.example.com", "post 4", "<post-4@example.org>");
        MailPeers.awaitMail(mailboxes, "zoe@example.org", 6, log());
        // Postfix logs through its own log daemon: give a copy that did arrive time to show
        String log = postfix.awaitLog(l -> l.contains("message-id=<post-4@example.org>"), Duration.ofSeconds(2));
        assertFalse(log.contains("message-id=<post-4@example.org>"), "zed is disabled: post 4 never reached his MX\n" + log);
        assertTrue(log.contains("message-id=<post-3@example.org>"));
        assertEquals(0, server.router().undeliverableQueue().count(), "every DSN was taken as a bounce");
    }
}
