package org.tubemail.internal.queue;

import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.DnsblVerdict;
import org.tubemail.mail.Envelope;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a message's envelope with it while it sits in a queue, as {@code X-Tubemail-*} header lines
 * put in front of the original bytes, which stay untouched after them. The receiver's
 * authentication verdicts travel the same way ({@code X-Tubemail-Authentication}), and so does the DNS
 * lists' verdict on the client ({@code X-Tubemail-Dnsbl-Verdict}); only a queue
 * Tubemail itself wrote may be trusted for them (see {@code SpoolProcessor}).
 */
public final class EnvelopeHeaders {

    static final String PEER = "X-Tubemail-Peer: ";
    static final String FROM = "X-Tubemail-Mail-From: ";
    static final String RCPT = "X-Tubemail-Rcpt-To: ";
    static final String REASON = "X-Tubemail-Reason: ";
    static final String AUTH = "X-Tubemail-Authentication: ";
    static final String DNSBL = "X-Tubemail-Dnsbl-Verdict: ";

    private EnvelopeHeaders() {
    }

    /**
     * A message read back from a queue.
     *
     * @param envelope its envelope, if the queued bytes carried one
     * @param reason   why it was queued, or {@code ""}
     * @param message  the original message bytes
     */
    public record Unwrapped(Optional<Envelope> envelope, String reason, byte[] message) {
    }

    /** Puts {@code envelope} and, unless empty, {@code reason} in front of {@code message}. */
    public static byte[] wrap(Envelope envelope, String reason, byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 256);
        line(out, PEER, envelope.peer());
        line(out, FROM, "<" + envelope.mailFrom() + ">");
        for (String r : envelope.recipients()) {
            line(out, RCPT, "<" + r + ">");
        }
        if (!envelope.authentication().equals(Authentication.NONE)) {
            line(out, AUTH, envelope.authentication().summary());
        }
        if (!envelope.dnsbl().equals(DnsblVerdict.NONE)) {
            line(out, DNSBL, envelope.dnsbl().summary());
        }
        if (!reason.isEmpty()) {
            line(out, REASON, reason);
        }
        out.writeBytes(message);
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String name, String value) {
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(oneLine(value).getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** Replaces line breaks, other control characters and line separators ({@link Addresses#breaksLines}) with spaces and caps the length at 900. */
    static String oneLine(String value) {
        StringBuilder b = new StringBuilder(Math.min(value.length(), 900));
        for (int i = 0; i < value.length() && b.length() < 900; i++) {
            char c = value.charAt(i);
            b.append(Addresses.breaksLines(c) ? ' ' : c);
        }
        return b.toString();
    }

    /** Splits queued bytes back into envelope, reason and original message. */
    public static Unwrapped unwrap(byte[] queued) {
        Parsed p = parse(queued);
        return new Unwrapped(p.envelope(), p.reason(), java.util.Arrays.copyOfRange(queued, p.end(), queued.length));
    }

    /** The envelope the queued bytes carry, if any, read without copying the message. */
    public static Optional<Envelope> envelope(byte[] queued) {
        return parse(queued).envelope();
    }

    /** Where the original message starts in queued bytes, after the envelope lines. */
    public static int messageStart(byte[] queued) {
        return parse(queued).end();
    }

    /** The envelope lines read: the envelope, the reason and where the original message starts. */
    private record Parsed(Optional<Envelope> envelope, String reason, int end) {
    }

    private static Parsed parse(byte[] queued) {
        String peer = "";
        String from = null;
        String reason = "";
        Authentication auth = Authentication.NONE;
        DnsblVerdict dnsbl = DnsblVerdict.NONE;
        List<String> rcpts = new ArrayList<>();
        int pos = 0;
        while (pos < queued.length) {
            int eol = indexOf(queued, pos);
            if (eol < 0) {
                break;
            }
            String line = new String(queued, pos, eol - pos, StandardCharsets.UTF_8);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.startsWith(PEER)) {
                peer = line.substring(PEER.length());
            } else if (line.startsWith(FROM)) {
                from = unbracket(line.substring(FROM.length()));
            } else if (line.startsWith(RCPT)) {
                rcpts.add(unbracket(line.substring(RCPT.length())));
            } else if (line.startsWith(AUTH)) {
                auth = Authentication.parse(line.substring(AUTH.length()));
            } else if (line.startsWith(DNSBL)) {
                dnsbl = DnsblVerdict.parse(line.substring(DNSBL.length()));
            } else if (line.startsWith(REASON)) {
                reason = line.substring(REASON.length());
            } else {
                break;
            }
            pos = eol + 1;
        }
        Optional<Envelope> env = from != null && !rcpts.isEmpty()
                ? Optional.of(new Envelope(peer, from, rcpts, auth, dnsbl)) : Optional.empty();
        return new Parsed(env, reason, pos);
    }

    private static String unbracket(String s) {
        String t = s.trim();
        return t.startsWith("<") && t.endsWith(">") ? t.substring(1, t.length() - 1) : t;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
