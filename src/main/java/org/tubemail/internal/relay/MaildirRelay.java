package org.tubemail.internal.relay;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.tubemail.handler.Relay;
import org.tubemail.handler.RelayException;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.QueueException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers outgoing mail into a local maildir instead of sending it, the way a local delivery
 * agent would: one file per envelope recipient, each starting with {@code Return-Path:} (the
 * envelope sender) and {@code Delivered-To:} (that recipient), followed by the message's own bytes.
 * Any mail reader (mutt, Dovecot, Python's {@code mailbox}) can open the folder; each file is
 * written atomically, so a reader never sees half a message. The default relay of a new project,
 * so that its replies can be read without configuring a smarthost.
 */
public final class MaildirRelay implements Relay {

    private final MaildirQueue maildir;
    private final Monitor monitor;

    /** Delivers into the maildir at {@code dir}, creating it when missing. */
    public MaildirRelay(Path dir) {
        this(dir, Monitor.NONE);
    }

    /** Like {@link #MaildirRelay(Path)}, reporting each delivery to {@code monitor}. */
    public MaildirRelay(Path dir, Monitor monitor) {
        this.maildir = new MaildirQueue(dir);
        this.monitor = monitor;
    }

    @Override
    public void deliver(MimeMessage message, String envelopeFrom, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        byte[] body = bytesOf(message, recipients);
        List<String> done = new ArrayList<>();
        for (String rcpt : recipients) {
            try {
                maildir.push(withTrace(envelopeFrom, rcpt, body));
                done.add(rcpt);
            } catch (QueueException e) {
                throw new RelayException("cannot deliver to " + recipients.subList(done.size(), recipients.size())
                        + " in " + maildir.dir() + (done.isEmpty() ? "" : " (delivered to " + done + ")") + ": "
                        + e.getMessage(), e);
            }
        }
        monitor.relaySent(envelopeFrom, recipients);
    }

    private static byte[] bytesOf(MimeMessage message, List<String> recipients) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException | MessagingException e) {
            throw new RelayException("cannot write the message for " + recipients + ": " + e.getMessage(), e);
        }
    }

    private static byte[] withTrace(String from, String rcpt, byte[] body) {
        String trace = "Return-Path: <" + address(from) + ">\r\n"
                + "Delivered-To: " + address(rcpt) + "\r\n";
        byte[] head = trace.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** An address made safe for a header line: line-breaking characters ({@link Addresses#breaksLines}), spaces and brackets removed. */
    private static String address(String a) {
        StringBuilder b = new StringBuilder(a.length());
        a.chars().filter(c -> c != ' ' && c != '<' && c != '>' && !Addresses.breaksLines(c)).forEach(c -> b.append((char) c));
        return b.toString();
    }

    /** The maildir the messages go into. */
    public MaildirQueue queue() {
        return maildir;
    }

    @Override
    public String toString() {
        return "MaildirRelay[" + maildir.dir() + "]";
    }
}
