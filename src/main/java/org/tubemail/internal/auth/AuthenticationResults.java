package org.tubemail.internal.auth;

import org.tubemail.internal.mail.HeaderFields;
import org.tubemail.mail.Authentication;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes the {@code Authentication-Results:} header (RFC 8601) in front of a message, after removing
 * every such header that already claims this server's authserv-id (a forger's, RFC 8601 section 5).
 * Headers of other servers stay. All other bytes stay as they were.
 */
public final class AuthenticationResults {
    private static final String NAME = "authentication-results";

    private AuthenticationResults() {}

    /** {@code message} with the verdicts prepended under {@code authservId} and forged ones removed. */
    public static byte[] prepend(String authservId, Authentication verdicts, byte[] message) {
        byte[] header = ("Authentication-Results: " + verdicts.headerValue(authservId) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + header.length);
        out.writeBytes(header);
        copyWithout(authservId, message, out);
        return out.toByteArray();
    }

    /** Copies the message, leaving out header fields that claim {@code authservId}. */
    static void copyWithout(String authservId, byte[] message, ByteArrayOutputStream out) {
        int pos = 0;
        while (pos < message.length) {
            int end = HeaderFields.fieldEnd(message, pos);
            if (end == pos) break; // the empty line: the body follows
            if (!mayBeResults(message, pos, end)
                    || !claims(new String(message, pos, end - pos, StandardCharsets.ISO_8859_1), authservId)) {
                out.write(message, pos, end - pos);
            }
            pos = end;
        }
        out.write(message, pos, message.length - pos);
    }

    /** Whether the field may be an {@code Authentication-Results} one: its name starts with an {@code a}. */
    private static boolean mayBeResults(byte[] m, int pos, int end) {
        int i = pos;
        while (i < end && (m[i] & 0xff) <= ' ') i++;
        return i < end && (m[i] == 'a' || m[i] == 'A');
    }

    private static boolean claims(String field, String authservId) {
        int colon = field.indexOf(':');
        if (colon < 0 || !field.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(NAME)) return false;
        String value = field.substring(colon + 1).replaceAll("\\([^)]*\\)", " ").strip();
        int end = 0;
        while (end < value.length() && value.charAt(end) != ';' && !Character.isWhitespace(value.charAt(end))) end++;
        return value.substring(0, end).equalsIgnoreCase(authservId);
    }
}
