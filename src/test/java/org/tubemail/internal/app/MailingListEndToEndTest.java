package org.tubemail.internal.app;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dkim.DkimKeys;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Dkimpy;
import org.tubemail.support.Dnsmasq;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mailing-list example end to end, every part real: mail goes over SMTP into a configured
 * Tubemail server that checks SPF and DMARC against a dnsmasq serving the test's records; the list
 * lives on its own domain ({@code lists.example.com}, the second accepted domain); replies and posts
 * leave through direct MX delivery (the members' MX records point to a GreenMail server on
 * 127.0.0.2) signed with the list's DKIM key by the relay; dkimpy verifies the signatures with the
 * key from the same dnsmasq.
 */
class MailingListEndToEndTest {

    private static final Pattern CONFIRM = Pattern.compile("(dev-confirm-[0-9a-f]{32}@lists\\.example\\.com)");

    @TempDir
    Path home;

    private Dnsmasq dns;
    private GreenMail members;
    private TubemailServer server;

    @BeforeEach
    void start() throws Exception {
        members = MailPeers.startMx(0);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair listKey = rsa.generateKeyPair();
        Path keyFile = home.resolve("config/dkim/lists.example.com.s1.pem");
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, DkimKeys.toPem(listKey.getPrivate()));
        dns = Dnsmasq.builder()
                .txt("example.org", "v=spf1 ip4:127.0.0.1 -all")
                .txt("strict.example", "v=spf1 ip4:127.0.0.1 -all")
                .txt("_dmarc.strict.example", "v=DMARC1; p=reject")
                .txt("s1._domainkey.lists.example.com", DkimKeys.record(listKey.getPublic()))
                .mx("example.org", "mx.members.test", 10).mx("strict.example", "mx.members.test", 10)
                .a("mx.members.test", "127.0.0.2")
                .start();
        server = TubemailServer.configure(Settings.of("test-settings", home, MailPeers.serverSettings(dns, members,
                "http.port", "0",
                "http.public.url", "https://lists.example.com",
                "receiver.accepted.domains", "localhost, lists.example.com",
                "route.default.listdomain", "lists\\.example\\.com",
                "handlers", "org.tubemail.examples.mailinglist.MailingListHandler",
                "relay.helo", "lists.example.com",
                "relay.dkim.lists.example.com.selector", "s1",
                "relay.dkim.lists.example.com.key", "config/dkim/lists.example.com.s1.pem")));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        members.stop();
        dns.close();
    }

    private void send(String from, String to, String subject) throws Exception {
        MailPeers.send(server.smtpPort(), from, to, subject, "");
    }

    private byte[] awaitMail(String address, int count) throws Exception {
        return MailPeers.awaitMail(members, address, count, "undeliverable: " + server.router().undeliverableQueue().count());
    }

    private List<MimeMessage> inbox(String address) {
        return MailPeers.inbox(members, address);
    }

    private void join(String who) throws Exception {
        send(who, "dev-subscribe@lists.example.com", "join");
        MailRequest request = MailPeers.parse(awaitMail(who, 1));
        assertEquals("Confirm your subscription to dev", request.subject());
        Matcher m = CONFIRM.matcher(request.text());
        assertTrue(m.find(), request.text());
        send(who, m.group(1), "yes");
        assertEquals("Welcome to dev", MailPeers.parse(awaitMail(who, 2)).subject());
    }

    @Test
    void subscribeConfirmPostUnsubscribeOverSmtp() throws Exception {
        join("bob@example.org");
        join("ann@example.org");
        join("alice@strict.example");
        byte[] welcome = awaitMail("ann@example.org", 2);
        assertTrue(Dkimpy.verify(MailPeers.asSent(welcome), dns).passed(), "the list's replies are signed: "
                + Dkimpy.verify(MailPeers.asSent(welcome), dns).output());

        send("bob@example.org", "dev@lists.example.com", "first post");
        MailRequest post = MailPeers.parse(awaitMail("ann@example.org", 3));
        assertEquals("first post", post.subject());
        assertEquals("<dev.lists.example.com>", post.header("List-Id").orElseThrow());
        assertEquals("<mailto:dev@lists.example.com>", post.header("List-Post").orElseThrow());
        assertEquals("bob@example.org", post.fromHeader().get(0).getAddress(), "example.org publishes no DMARC policy");
        // RFC 8058: each member's copy carries its own one-click link
        assertEquals("List-Unsubscribe=One-Click", post.header("List-Unsubscribe-Post").orElseThrow());
        java.util.regex.Matcher link = java.util.regex.Pattern.compile(
                "<https://lists\\.example\\.com(/lists/[^>]+)>, <mailto:dev-unsubscribe@lists\\.example\\.com>")
                .matcher(post.header("List-Unsubscribe").orElseThrow());
        assertTrue(link.matches(), post.header("List-Unsubscribe").orElseThrow());
        String annsLink = link.group(1);

        send("alice@strict.example", "dev@lists.example.com", "strict post");
        byte[] strict = awaitMail("ann@example.org", 4);
        MailRequest p = MailPeers.parse(strict);
        assertEquals("dev@lists.example.com", p.fromHeader().get(0).getAddress(), "p=reject: From is the list");
        assertEquals("alice@strict.example via dev", p.fromHeader().get(0).getPersonal());
        assertEquals("alice@strict.example", p.addressHeader("Reply-To").get(0).getAddress());
        Dkimpy.Result verified = Dkimpy.verify(MailPeers.asSent(strict), dns);
        assertTrue(verified.passed(), "dkimpy verifies the list's signature: " + verified.output());
        String sent = new String(MailPeers.asSent(strict), java.nio.charset.StandardCharsets.ISO_8859_1);
        int top = sent.indexOf("\r\n", sent.indexOf("DKIM-Signature:")) + 2;
        while (sent.charAt(top) == ' ' || sent.charAt(top) == '\t') top = sent.indexOf("\r\n", top) + 2; // past the folded signature
        for (String added : List.of("Subject: Urgent: new bank details\r\n", "List-Post: <mailto:evil@example.net>\r\n")) {
            byte[] tampered = (sent.substring(0, top) + added + sent.substring(top)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertFalse(Dkimpy.verify(tampered, dns).passed(), "an added " + added.strip() + " breaks the list's signature");
        }
        assertTrue(p.header("DKIM-Signature").orElseThrow().contains("d=lists.example.com"));

        send("bob@example.org", "dev-unsubscribe@lists.example.com", "bye");
        assertEquals("You left dev", MailPeers.parse(awaitMail("bob@example.org", 4)).subject());
        send("ann@example.org", "dev@lists.example.com", "second post");
        awaitMail("alice@strict.example", 4);
        assertEquals(4, inbox("bob@example.org").size(), "bob left: no second post for him");

        // ann leaves with one click: a POST to her link (what her mail client sends)
        java.net.http.HttpResponse<String> left = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + server.httpPort() + annsLink))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, left.statusCode(), left.body());
        send("ann@example.org", "dev@lists.example.com", "third post");
        assertEquals("Confirm your subscription to dev", MailPeers.parse(awaitMail("ann@example.org", 5)).subject(),
                "ann is no member any more: her post starts a new subscription");
        assertEquals(4, inbox("alice@strict.example").size(), "the third post went to nobody");
        assertEquals(0, server.router().undeliverableQueue().count());
    }

    @Test
    void aMemberAuthenticatedByTheEnvelopeCannotPostAsSomeoneElse() throws Exception {
        join("bob@example.org");
        join("ann@example.org");
        MailPeers.send(server.smtpPort(), "bob@example.org", "Alice <alice@victim.test>", "dev@lists.example.com", "wire the money", "");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.router().undeliverableQueue().count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, server.router().undeliverableQueue().count(), "kept as undeliverable, not posted");
        send("bob@example.org", "dev@lists.example.com", "a real post");
        assertEquals("a real post", MailPeers.parse(awaitMail("ann@example.org", 3)).subject(), "the forged post never went out");
    }

    @Test
    void aForgedSenderCannotSubscribeSomeoneElse() throws Exception {
        send("victim@strict.example", "dev-subscribe@lists.example.com", "join"); // SPF passes: 127.0.0.1 is allowed
        awaitMail("victim@strict.example", 1);
        Settings s = server.settings();
        assertFalse(s.string("dns.servers", "").isEmpty());
        // a sender whose domain's SPF does not allow 127.0.0.1 (no record at all: none) is not authenticated
        send("mallory@elsewhere.test", "dev-subscribe@lists.example.com", "join");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.router().undeliverableQueue().count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, server.router().undeliverableQueue().count(), "kept as undeliverable, nothing sent");
        assertTrue(inbox("mallory@elsewhere.test").isEmpty());
    }
}
