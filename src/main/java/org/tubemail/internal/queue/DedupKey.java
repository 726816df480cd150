package org.tubemail.internal.queue;

import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.Envelope;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What makes two spooled messages "the same message accepted twice": the same {@code Message-ID},
 * the same envelope sender and the same set of recipients (in any order, any case), as a SHA-256
 * digest. A client that lost its connection before our {@code 250} and sends again produces the
 * same key; a message without a {@code Message-ID} has none and is never taken for a repeat.
 */
public final class DedupKey {

    /** How far into the message the header is searched for a {@code Message-ID}. */
    private static final int MAX_HEADER_BYTES = 256 * 1024;

    private DedupKey() {
    }

    /** The digest of a message as spooled (envelope lines first, see {@link EnvelopeHeaders}), if it has one. */
    public static Optional<byte[]> of(byte[] spooled) {
        Optional<Envelope> envelope = EnvelopeHeaders.envelope(spooled);
        if (envelope.isEmpty()) {
            return Optional.empty();
        }
        return messageId(spooled, EnvelopeHeaders.messageStart(spooled)).map(id -> digest(id, envelope.get()));
    }

    private static byte[] digest(String messageId, Envelope envelope) {
        TreeSet<String> recipients = new TreeSet<>();
        envelope.recipients().forEach(r -> recipients.add(Addresses.forStateKey(r)));
        StringBuilder b = new StringBuilder(messageId).append('\0').append(Addresses.forStateKey(envelope.mailFrom()));
        recipients.forEach(r -> b.append('\0').append(r));
        try {
            return MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The {@code Message-ID} field's value (unfolded, trimmed) in the header that starts at {@code from}. */
    static Optional<String> messageId(byte[] m, int from) {
        int end = Math.min(m.length, from + MAX_HEADER_BYTES);
        int pos = from;
        while (pos < end) {
            int eol = lineEnd(m, pos, end);
            int len = eol - pos;
            if (len == 0 || len == 1 && m[pos] == '\r') {
                return Optional.empty(); // end of the header
            }
            if (len > 11 && new String(m, pos, 11, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT).equals("message-id:")) {
                StringBuilder value = new StringBuilder(new String(m, pos + 11, len - 11, StandardCharsets.UTF_8));
                int next = eol + 1;
                while (next < end && (m[next] == ' ' || m[next] == '\t')) { // folded continuation lines
                    int e = lineEnd(m, next, end);
                    value.append(new String(m, next, e - next, StandardCharsets.UTF_8));
                    next = e + 1;
                }
                String id = value.toString().replaceAll("\\s+", "");
                return id.isEmpty() ? Optional.empty() : Optional.of(id);
            }
            pos = eol + 1;
        }
        return Optional.empty();
    }

    private static int lineEnd(byte[] m, int from, int end) {
        for (int i = from; i < end; i++) {
            if (m[i] == '\n') {
                return i;
            }
        }
        return end;
    }
}
