package org.tubemail.internal.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes a header value's RFC 2047 encoded words as leniently as Salmon does, because mail in the
 * wild breaks the rules: encoded words inside quotes or touching other text ({@code =?..?=<a@b>}),
 * folded or with spaces inside, several encoded words of one charset whose multi-byte characters
 * are split between them (their bytes are joined before decoding, as RFC 2047 section 5 allows
 * writers to split only whole characters but many do not), and unknown or wrong charsets (detected,
 * see {@link TextCharsets}).
 *
 * <p>Written here rather than taken from a library because none does all of this: measured on
 * Salmon's header test cases, Jakarta Mail's {@code MimeUtility.decodeText} leaves encoded words in
 * 4 of 11 and breaks a split character in one more; Apache mime4j 0.8.14's {@code DecoderUtil}
 * decodes all 11 but leaves an unknown charset's word encoded and turns a wrongly declared
 * charset's bytes into U+FFFD, and neither detects charsets.
 */
public final class HeaderText {

    /** An encoded word, leniently: the text may hold whitespace (a fold), the charset a language (RFC 2231). */
    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s\"]+)\\?([bBqQ])\\?([^?]*)\\?=");
    private static final Pattern FOLD = Pattern.compile("\\r?\\n(?=[ \\t])");
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\r\\n]+");

    private HeaderText() {
    }

    /** The value with its folds removed and its encoded words decoded; never throws. */
    public static String decode(String value) {
        String unfolded = FOLD.matcher(value).replaceAll("").trim();
        if (!unfolded.contains("=?")) {
            return unfolded;
        }
        StringBuilder out = new StringBuilder(unfolded.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        String runCharset = null;
        int pos = 0;
        Matcher m = WORD.matcher(unfolded);
        while (m.find()) {
            String gap = unfolded.substring(pos, m.start());
            String charset = charsetName(m.group(1));
            boolean joins = runCharset != null && gap.isBlank();
            if (!joins || !charset.equals(runCharset)) {
                flush(out, run, runCharset);
                runCharset = null;
                if (!joins) {
                    out.append(gap); // whitespace between two encoded words is dropped (RFC 2047 section 6.2)
                }
            }
            runCharset = charset;
            run.writeBytes(bytes(m.group(2), m.group(3)));
            pos = m.end();
        }
        flush(out, run, runCharset);
        out.append(unfolded, pos, unfolded.length());
        return out.toString();
    }

    /**
     * Whether every line of the header block ends with LF or CRLF: no bare CR, which the MIME
     * parser takes for a line end but {@link #rawValues} does not, and no first line that starts
     * with white space (which the parser reads as a header, {@link #rawValues} as a fold).
     */
    public static boolean linesEndWithLf(byte[] message) {
        if (message.length > 0 && (message[0] == ' ' || message[0] == '\t')) {
            return false;
        }
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\r' && (i + 1 == message.length || message[i + 1] != '\n')) {
                return false;
            }
            if (message[i] == '\n' && (i + 1 == message.length || message[i + 1] == '\n'
                    || message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n')) {
                return true; // the empty line that ends the header block
            }
        }
        return true;
    }

    /**
     * The values of header {@code name} as the bytes in {@code message} hold them (folds removed),
     * in message order: for values whose 8-bit text is not UTF-8, whose charset must be detected.
     */
    public static java.util.List<byte[]> rawValues(byte[] message, String name) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        ByteArrayOutputStream current = null;
        int pos = 0;
        while (pos < message.length) {
            int eol = pos;
            while (eol < message.length && message[eol] != '\n') {
                eol++;
            }
            int end = eol > pos && message[eol - 1] == '\r' ? eol - 1 : eol;
            if (end == pos) {
                break; // the empty line that ends the header block
            }
            if (message[pos] == ' ' || message[pos] == '\t') {
                if (current != null) {
                    current.write(message, pos, end - pos);
                }
            } else {
                current = null;
                int colon = pos;
                while (colon < end && message[colon] != ':') {
                    colon++;
                }
                if (colon < end && new String(message, pos, colon - pos, StandardCharsets.US_ASCII).trim().equalsIgnoreCase(name)) {
                    current = new ByteArrayOutputStream();
                    out.add(null); // filled in below, once the value's continuation lines are read
                    current.write(message, colon + 1, end - colon - 1);
                }
            }
            if (current != null) {
                out.set(out.size() - 1, current.toByteArray());
            }
            pos = eol + 1;
        }
        return out;
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream run, String charset) {
        if (charset != null) {
            out.append(TextCharsets.decode(run.toByteArray(), charset).text());
        }
        run.reset();
    }

    /** The charset name without an RFC 2231 language ({@code utf-8*en}), in lower case. */
    private static String charsetName(String token) {
        int star = token.indexOf('*');
        return (star < 0 ? token : token.substring(0, star)).toLowerCase(Locale.ROOT);
    }

    /** The bytes of an encoded word's text; whitespace inside it (a fold, a stray space) is not part of it. */
    private static byte[] bytes(String encoding, String text) {
        String t = WHITESPACE.matcher(text).replaceAll("");
        if (encoding.equalsIgnoreCase("B")) {
            return Base64.getDecoder().decode(padded(t));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < t.length() && hex(t.charAt(i + 1)) >= 0 && hex(t.charAt(i + 2)) >= 0) {
                out.write(hex(t.charAt(i + 1)) * 16 + hex(t.charAt(i + 2)));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** Base64 text with missing padding added, so a sloppy writer's word still decodes. */
    private static String padded(String b64) {
        String clean = b64.replaceAll("[^A-Za-z0-9+/]", "");
        return switch (clean.length() % 4) {
            case 1 -> clean.substring(0, clean.length() - 1); // a stray character carries no whole byte
            case 2 -> clean + "==";
            case 3 -> clean + "=";
            default -> clean;
        };
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
