package org.tubemail.internal.app;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** What the mailing-list tests do as the people on the other side: send over SMTP, read GreenMail mailboxes. */
final class MailPeers {

    private MailPeers() {
    }

    /**
     * A GreenMail SMTP server on 127.0.0.2, at {@code port} (0: a free one), started: the MX that the
     * test's DNS records point the people's domains to.
     */
    static GreenMail startMx(int port) throws java.io.IOException {
        if (port == 0) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                port = probe.getLocalPort();
            }
        }
        GreenMail mx = new GreenMail(new com.icegreen.greenmail.util.ServerSetup(port, "127.0.0.2",
                com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP));
        mx.start();
        return mx;
    }

    /**
     * The settings of a server that checks senders against {@code dns}, keeps states in memory and sends
     * straight to the MX (on {@code mx}'s port), with {@code more} (key, value, key, value ...) added.
     */
    static java.util.Map<String, String> serverSettings(org.tubemail.support.Dnsmasq dns, GreenMail mx, String... more) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(java.util.Map.of(
                "receiver.smtp.port", "0",
                "receiver.auth.checks", "true",
                "dns.servers", dns.hostPort(),
                "storage.kind", "memory",
                "relay.host", "mx",
                "relay.port", String.valueOf(mx.getSmtp().getPort())));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    /** Sends a short message over SMTP to 127.0.0.1:{@code port}, with the given Message-ID when not empty. */
    static void send(int port, String from, String to, String subject, String messageId) throws Exception {
        send(port, from, from, to, subject, messageId);
    }

    /** As {@link #send(int, String, String, String, String)}, with envelope sender {@code mailFrom} and header {@code From: from}. */
    static void send(int port, String mailFrom, String from, String to, String subject, String messageId) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", String.valueOf(port));
        p.setProperty("mail.smtp.from", mailFrom);
        MimeMessage m = new MimeMessage(Session.getInstance(p)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                if (messageId.isEmpty()) {
                    super.updateMessageID();
                } else {
                    setHeader("Message-ID", messageId);
                }
            }
        };
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("text of " + subject);
        Transport.send(m);
    }

    /** What GreenMail delivered to {@code address}'s mailbox (by envelope recipient), oldest first. */
    static List<MimeMessage> inbox(GreenMail mail, String address) {
        var user = mail.getUserManager().getUserByEmail(address);
        if (user == null) {
            return List.of();
        }
        try {
            return mail.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                    .map(m -> m.getMimeMessage()).toList();
        } catch (com.icegreen.greenmail.store.FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to 20 s until {@code address} has {@code count} messages; returns the newest as received. */
    static byte[] awaitMail(GreenMail mail, String address, int count, String context) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> mine = inbox(mail, address);
            if (mine.size() >= count) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                mine.get(mine.size() - 1).writeTo(out);
                return out.toByteArray();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no message #" + count + " for " + address + " within 20 s; " + context);
    }

    /** Reads a received message. */
    static MailRequest parse(byte[] raw) {
        return MailRequest.parse(Envelope.of("", "x@example.org"), raw);
    }

    /** The message without the trace lines GreenMail put on top, as the sender sent it. */
    static byte[] asSent(byte[] received) {
        String s = new String(received, StandardCharsets.ISO_8859_1);
        while (s.startsWith("Return-Path:") || s.startsWith("Received:")) {
            int end = s.indexOf("\r\n");
            while (end >= 0 && end + 2 < s.length() && (s.charAt(end + 2) == ' ' || s.charAt(end + 2) == '\t')) {
                end = s.indexOf("\r\n", end + 2);
            }
            s = s.substring(end + 2);
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
