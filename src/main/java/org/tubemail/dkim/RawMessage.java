package org.tubemail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message split into its header fields and body bytes, without any decoding, as DKIM needs it
 * (and cheaper than a MIME parser for reading one header). Bare LF line ends are read as CRLF.
 */
public final class RawMessage {
    private final List<HeaderField> headers;
    private final byte[] body;

    private RawMessage(List<HeaderField> headers, byte[] body) {
        this.headers = headers;
        this.body = body;
    }

    /** Splits {@code raw}; never fails (a line without a colon is a field with an empty value). */
    public static RawMessage parse(byte[] raw) {
        List<HeaderField> headers = new ArrayList<>();
        StringBuilder field = null;
        int pos = 0;
        while (pos < raw.length) {
            int lf = indexOf(raw, (byte) '\n', pos);
            int end = lf < 0 ? raw.length : lf;
            int lineEnd = end > pos && raw[end - 1] == '\r' ? end - 1 : end;
            String line = new String(raw, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            pos = lf < 0 ? raw.length : lf + 1;
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && field != null) {
                field.append("\r\n").append(line);
                continue;
            }
            if (field != null) headers.add(field(field.toString()));
            field = new StringBuilder(line);
        }
        if (field != null) headers.add(field(field.toString()));
        byte[] body = java.util.Arrays.copyOfRange(raw, Math.min(pos, raw.length), raw.length);
        return new RawMessage(List.copyOf(headers), body);
    }

    private static HeaderField field(String text) {
        int colon = text.indexOf(':');
        return new HeaderField(colon < 0 ? text.strip() : text.substring(0, colon).strip(), colon < 0 ? text + ":" : text);
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) return i;
        }
        return -1;
    }

    /** The values of every field named {@code name} (any case), top first: unfolded, UTF-8 decoded, not RFC 2047 decoded. */
    public List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (HeaderField f : headers) {
            if (f.name().equalsIgnoreCase(name)) {
                String value = f.value().replace("\r\n", "");
                out.add(new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip());
            }
        }
        return out;
    }

    /** The header fields, top first. */
    List<HeaderField> headers() {
        return headers;
    }

    /** The body's lines, each without its line end; a last line without one counts as a line. */
    List<byte[]> bodyLines() {
        List<byte[]> lines = new ArrayList<>();
        int pos = 0;
        while (pos < body.length) {
            int lf = indexOf(body, (byte) '\n', pos);
            int end = lf < 0 ? body.length : lf;
            int lineEnd = end > pos && body[end - 1] == '\r' ? end - 1 : end;
            lines.add(java.util.Arrays.copyOfRange(body, pos, lineEnd));
            pos = lf < 0 ? body.length : lf + 1;
        }
        return lines;
    }

    /** The body canonicalized by {@code simple} (RFC 6376 3.4.3) or {@code relaxed} (3.4.4). */
    byte[] canonicalBody(boolean relaxed) {
        List<byte[]> lines = bodyLines();
        if (relaxed) lines.replaceAll(RawMessage::relaxLine);
        int n = lines.size();
        while (n > 0 && lines.get(n - 1).length == 0) n--;
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 2 * n + 2);
        for (int i = 0; i < n; i++) {
            out.writeBytes(lines.get(i));
            out.write('\r');
            out.write('\n');
        }
        if (n == 0 && !relaxed) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Runs of spaces and tabs become one space; trailing ones go. */
    private static byte[] relaxLine(byte[] line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(line.length);
        boolean space = false;
        for (byte b : line) {
            if (b == ' ' || b == '\t') {
                space = true;
            } else {
                if (space) out.write(' ');
                space = false;
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
