package org.tubemail.internal.mail;

import java.io.ByteArrayOutputStream;

/**
 * Removes the {@code X-Tubemail-*} header fields from a client's message before the server adds its
 * own: that name space is the server's ({@code X-Tubemail-DNSBL}, and the envelope lines of its
 * queues), so a sender cannot forge a verdict that a handler or a later reader believes. The body
 * and every other field stay as they were.
 */
public final class TubemailFields {

    /** The prefix of the fields the server writes. */
    public static final String PREFIX = "X-Tubemail-";

    private TubemailFields() {
    }

    /** {@code message} without its {@value #PREFIX} fields; {@code message} itself when it has none. */
    public static byte[] strip(byte[] message) {
        ByteArrayOutputStream out = null;
        int pos = 0;
        int copied = 0;
        while (pos < message.length) {
            int end = HeaderFields.fieldEnd(message, pos);
            if (end == pos) break; // the empty line: the body follows
            if (HeaderFields.startsWith(message, pos, end, PREFIX)) {
                if (out == null) out = new ByteArrayOutputStream(message.length);
                out.write(message, copied, pos - copied);
                copied = end;
            }
            pos = end;
        }
        if (out == null) return message;
        out.write(message, copied, message.length - copied);
        return out.toByteArray();
    }
}
