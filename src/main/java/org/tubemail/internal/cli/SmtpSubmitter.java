package org.tubemail.internal.cli;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Properties;

/** Sends raw messages to an SMTP server with a given envelope, for {@code send} and {@code blast}. */
final class SmtpSubmitter implements AutoCloseable {

    private final Session session;
    private final SMTPTransport transport;

    SmtpSubmitter(String host, int port) throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", host);
        p.setProperty("mail.smtp.port", String.valueOf(port));
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "30000");
        p.setProperty("mail.smtp.allow8bitmime", "true");
        p.setProperty("mail.smtp.sendpartial", "true");
        session = Session.getInstance(p);
        transport = (SMTPTransport) session.getTransport("smtp");
        transport.connect();
    }

    /** Sends {@code raw}; returns the server's reply to the message. */
    String send(byte[] raw, String from, List<String> recipients) throws MessagingException {
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
        session.getProperties().setProperty("mail.smtp.from", from.isEmpty() ? "<>" : from);
        InternetAddress[] to = new InternetAddress[recipients.size()];
        for (int i = 0; i < to.length; i++) {
            to[i] = new InternetAddress(recipients.get(i), false);
        }
        transport.sendMessage(m, to);
        return transport.getLastServerResponse().trim();
    }

    @Override
    public void close() throws MessagingException {
        transport.close();
    }
}
