package org.tubemail.examples.spring;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Real SMTP into the application (jakarta.mail, as any Java client would), and its replies in the outbox maildir. */
final class Mail {

    private Mail() {
    }

    static void send(int port, String from, String to, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.localhost", "localhost"); // the EHLO name: no lookup of this host's name
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("Hello from a test.");
        Transport.send(m);
    }

    /** Waits for the outbox to hold {@code count} replies and returns the newest one. */
    static String awaitReply(Path home, int count) throws Exception {
        Path dir = home.resolve("run/outbox/new");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    List<Path> found = files.sorted((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).toList();
                    if (found.size() >= count) {
                        return Files.readString(found.get(found.size() - 1), StandardCharsets.UTF_8);
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " replies in " + dir + " after 20 s");
    }
}
