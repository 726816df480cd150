package org.tubemail.app;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.config.Settings;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mailing-list example end to end: real SMTP over 127.0.0.1 into a configured Tubemail server,
 * which relays its replies and posts to GreenMail; results are read from GreenMail.
 */
class MailingListEndToEndTest {

    private static final Pattern CONFIRM = Pattern.compile("(dev-confirm-[0-9a-f]{24}@lists\\.example\\.com)");

    @TempDir
    Path home;

    private GreenMail smarthost;
    private TubemailServer server;

    @BeforeEach
    void start() throws Exception {
        smarthost = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smarthost.start();
        Settings settings = Settings.of("test-settings", home, Map.ofEntries(
                Map.entry("receiver.smtp.port", "0"),
                Map.entry("http.port", "0"),
                Map.entry("receiver.accepted.domains", "lists.example.com"),
                Map.entry("route.default.listdomain", "lists\\.example\\.com"),
                Map.entry("handlers", "org.tubemail.examples.mailinglist.MailingListHandler"),
                Map.entry("storage.kind", "memory"),
                Map.entry("relay.host", "127.0.0.1"),
                Map.entry("relay.port", String.valueOf(smarthost.getSmtp().getPort()))));
        server = TubemailServer.configure(settings);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        smarthost.stop();
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

    /** Waits until {@code address} has received {@code count} messages in all; returns the newest. */
    private MailRequest awaitMail(String address, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> mine = inbox(address);
            if (mine.size() >= count) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                mine.get(mine.size() - 1).writeTo(out);
                return MailRequest.parse(Envelope.of("", address), out.toByteArray());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no message #" + count + " for " + address + " within 20 s");
    }

    /** What GreenMail delivered to {@code address}'s mailbox (by envelope recipient), oldest first. */
    private List<MimeMessage> inbox(String address) throws Exception {
        var user = smarthost.getUserManager().getUserByEmail(address);
        if (user == null) {
            return List.of();
        }
        return smarthost.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                .map(m -> m.getMimeMessage()).toList();
    }

    private String confirmAddress(MailRequest request) {
        Matcher m = CONFIRM.matcher(request.text());
        assertTrue(m.find(), request.text());
        return m.group(1);
    }

    @Test
    void subscribeConfirmPostUnsubscribeOverSmtp() throws Exception {
        send("bob@example.org", "dev-subscribe@lists.example.com", "join");
        MailRequest request = awaitMail("bob@example.org", 1);
        assertEquals("Confirm your subscription to dev", request.subject());
        send("bob@example.org", confirmAddress(request), "yes");
        assertEquals("Welcome to dev", awaitMail("bob@example.org", 2).subject());

        send("ann@example.org", "dev-subscribe@lists.example.com", "join");
        send("ann@example.org", confirmAddress(awaitMail("ann@example.org", 1)), "yes");
        assertEquals("Welcome to dev", awaitMail("ann@example.org", 2).subject());

        send("bob@example.org", "dev@lists.example.com", "first post");
        MailRequest post = awaitMail("ann@example.org", 3);
        assertEquals("first post", post.subject());
        assertEquals("<dev.lists.example.com>", post.header("List-Id").orElseThrow());

        send("bob@example.org", "dev-unsubscribe@lists.example.com", "bye");
        assertEquals("You left dev", awaitMail("bob@example.org", 3).subject());
        send("ann@example.org", "dev@lists.example.com", "second post");
        Thread.sleep(1000);
        assertEquals(3, inbox("bob@example.org").size(), "bob left: no second post for him");
        assertEquals(0, server.router().undeliverableQueue().count());
    }
}
