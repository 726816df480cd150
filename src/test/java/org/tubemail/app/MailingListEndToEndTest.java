package org.tubemail.app;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.config.Settings;
import org.tubemail.dkim.DkimKeys;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Dkimpy;
import org.tubemail.support.Dnsmasq;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.2", 0));
            port = probe.getLocalPort();
        }
        members = new GreenMail(new ServerSetup(port, "127.0.0.2", ServerSetup.PROTOCOL_SMTP));
        members.start();
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
        server = TubemailServer.configure(Settings.of("test-settings", home, Map.ofEntries(
                Map.entry("receiver.smtp.port", "0"),
                Map.entry("receiver.accepted.domains", "localhost, lists.example.com"),
                Map.entry("receiver.auth.checks", "true"),
                Map.entry("dns.servers", dns.hostPort()),
                Map.entry("route.default.listdomain", "lists\\.example\\.com"),
                Map.entry("handlers", "org.tubemail.examples.mailinglist.MailingListHandler"),
                Map.entry("storage.kind", "memory"),
                Map.entry("relay.host", "mx"),
                Map.entry("relay.port", String.valueOf(port)),
                Map.entry("relay.helo", "lists.example.com"),
                Map.entry("relay.dkim.lists.example.com.selector", "s1"),
                Map.entry("relay.dkim.lists.example.com.key", "config/dkim/lists.example.com.s1.pem"))));
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
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", String.valueOf(server.smtpPort()));
        jakarta.mail.Session session = jakarta.mail.Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("text of " + subject);
        jakarta.mail.Transport.send(m);
    }

    /** Waits until {@code address} has received {@code count} messages in all; returns the newest, as received. */
    private byte[] awaitMail(String address, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> mine = inbox(address);
            if (mine.size() >= count) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                mine.get(mine.size() - 1).writeTo(out);
                return out.toByteArray();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no message #" + count + " for " + address + " within 20 s; undeliverable: "
                + server.router().undeliverableQueue().count());
    }

    private static MailRequest parse(byte[] raw) {
        return MailRequest.parse(Envelope.of("", "x@example.org"), raw);
    }

    /** What GreenMail delivered to {@code address}'s mailbox (by envelope recipient), oldest first. */
    private List<MimeMessage> inbox(String address) throws Exception {
        var user = members.getUserManager().getUserByEmail(address);
        if (user == null) {
            return List.of();
        }
        return members.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                .map(m -> m.getMimeMessage()).toList();
    }

    /** GreenMail's own trace line goes on top of what Tubemail sent: the verifier reads the message without it. */
    private static byte[] asSent(byte[] received) {
        String s = new String(received, java.nio.charset.StandardCharsets.ISO_8859_1);
        while (s.startsWith("Return-Path:") || s.startsWith("Received:")) {
            int end = s.indexOf("\r\n");
            while (end >= 0 && end + 2 < s.length() && (s.charAt(end + 2) == ' ' || s.charAt(end + 2) == '\t')) {
                end = s.indexOf("\r\n", end + 2);
            }
            s = s.substring(end + 2);
        }
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private void join(String who) throws Exception {
        send(who, "dev-subscribe@lists.example.com", "join");
        MailRequest request = parse(awaitMail(who, 1));
        assertEquals("Confirm your subscription to dev", request.subject());
        Matcher m = CONFIRM.matcher(request.text());
        assertTrue(m.find(), request.text());
        send(who, m.group(1), "yes");
        assertEquals("Welcome to dev", parse(awaitMail(who, 2)).subject());
    }

    @Test
    void subscribeConfirmPostUnsubscribeOverSmtp() throws Exception {
        join("bob@example.org");
        join("ann@example.org");
        join("alice@strict.example");
        byte[] welcome = awaitMail("ann@example.org", 2);
        assertTrue(Dkimpy.verify(asSent(welcome), dns).passed(), "the list's replies are signed: "
                + Dkimpy.verify(asSent(welcome), dns).output());

        send("bob@example.org", "dev@lists.example.com", "first post");
        MailRequest post = parse(awaitMail("ann@example.org", 3));
        assertEquals("first post", post.subject());
        assertEquals("<dev.lists.example.com>", post.header("List-Id").orElseThrow());
        assertEquals("<mailto:dev@lists.example.com>", post.header("List-Post").orElseThrow());
        assertEquals("bob@example.org", post.fromHeader().get(0).getAddress(), "example.org publishes no DMARC policy");

        send("alice@strict.example", "dev@lists.example.com", "strict post");
        byte[] strict = awaitMail("ann@example.org", 4);
        MailRequest p = parse(strict);
        assertEquals("dev@lists.example.com", p.fromHeader().get(0).getAddress(), "p=reject: From is the list");
        assertEquals("alice@strict.example via dev", p.fromHeader().get(0).getPersonal());
        assertEquals("alice@strict.example", p.addressHeader("Reply-To").get(0).getAddress());
        Dkimpy.Result verified = Dkimpy.verify(asSent(strict), dns);
        assertTrue(verified.passed(), "dkimpy verifies the list's signature: " + verified.output());
        assertTrue(p.header("DKIM-Signature").orElseThrow().contains("d=lists.example.com"));

        send("bob@example.org", "dev-unsubscribe@lists.example.com", "bye");
        assertEquals("You left dev", parse(awaitMail("bob@example.org", 4)).subject());
        send("ann@example.org", "dev@lists.example.com", "second post");
        awaitMail("alice@strict.example", 4);
        assertEquals(4, inbox("bob@example.org").size(), "bob left: no second post for him");
        assertEquals(0, server.router().undeliverableQueue().count());
    }

    @Test
    void aForgedSenderCannotSubscribeSomeoneElse() throws Exception {
        send("victim@strict.example", "dev-subscribe@lists.example.com", "join"); // SPF passes: 127.0.0.1 is allowed
        awaitMail("victim@strict.example", 1);
        Settings s = server.settings();
        assertFalse(s.string("dns.servers", "").isEmpty());
        // a sender whose domain's SPF does not allow 127.0.0.1 (no record at all: none) is not authenticated
        send("mallory@elsewhere.test", "dev-subscribe@lists.example.com", "join");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.router().undeliverableQueue().count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, server.router().undeliverableQueue().count(), "kept as undeliverable, nothing sent");
        assertTrue(inbox("mallory@elsewhere.test").isEmpty());
    }
}
