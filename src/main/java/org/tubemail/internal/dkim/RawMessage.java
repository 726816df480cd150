package org.tubemail.internal.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A message split into its header fields and body bytes, without any decoding, as DKIM needs it
 * (and cheaper than a MIME parser for reading one header). Bare LF line ends are read as CRLF.
 */
public final class RawMessage {
    private final List<HeaderField> headers;
    private final byte[] raw;
    private final int bodyStart;

    private RawMessage(List<HeaderField> headers, byte[] raw, int bodyStart) {
        this.headers = headers;
        this.raw = raw;
        this.bodyStart = bodyStart;
    }

    /** Splits {@code raw} (kept, not copied: do not change it); never fails (a line without a colon is a field with an empty value). */
    public static RawMessage parse(byte[] raw) {
        List<HeaderField> headers = new ArrayList<>();
        int pos = 0;
        int fieldStart = -1;
        boolean bareLf = false;
        while (pos < raw.length) {
            int lf = indexOf(raw, (byte) '\n', pos);
            int end = lf < 0 ? raw.length : lf;
            int lineEnd = end > pos && raw[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd == pos) { // the empty line
                if (fieldStart >= 0) headers.add(field(raw, fieldStart, pos, bareLf));
                fieldStart = -1;
                pos = lf < 0 ? raw.length : lf + 1;
                break;
            }
            boolean continuation = (raw[pos] == ' ' || raw[pos] == '\t') && fieldStart >= 0;
            if (!continuation) {
                if (fieldStart >= 0) headers.add(field(raw, fieldStart, pos, bareLf));
                fieldStart = pos;
                bareLf = false;
            }
            if (lf >= 0 && lineEnd == end) bareLf = true;
            pos = lf < 0 ? raw.length : lf + 1;
        }
        if (fieldStart >= 0) headers.add(field(raw, fieldStart, pos, bareLf));
        return new RawMessage(List.copyOf(headers), raw, Math.min(pos, raw.length));
    }

    /**
     * The field whose lines run from {@code start} to {@code end} (after its last line end): its
     * lines joined by CRLF, without the last line end.
     */
    private static HeaderField field(byte[] raw, int start, int end, boolean bareLf) {
        String text;
        if (!bareLf) { // every line ends in CRLF, or the last in nothing: the bytes as they are
            int stop = end;
            if (stop > start && raw[stop - 1] == '\n') stop--;
            if (stop > start && raw[stop - 1] == '\r') stop--;
            text = new String(raw, start, stop - start, StandardCharsets.ISO_8859_1);
        } else {
            StringBuilder joined = new StringBuilder(end - start + 8);
            int pos = start;
            while (pos < end) {
                int lf = indexOf(raw, (byte) '\n', pos);
                int lineEnd = lf < 0 || lf >= end ? end : lf;
                int stop = lineEnd > pos && raw[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                if (pos > start) joined.append("\r\n");
                joined.append(new String(raw, pos, stop - pos, StandardCharsets.ISO_8859_1));
                pos = lineEnd + 1;
            }
            text = joined.toString();
        }
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

    /**
     * The body canonicalized by {@code simple} (RFC 6376 3.4.3) or {@code relaxed} (3.4.4), in one
     * pass: each line (a last line without a line end counts as one) ends in CRLF; relaxed turns
     * runs of spaces and tabs into one space and drops them at line ends; empty lines at the end go.
     */
    byte[] canonicalBody(boolean relaxed) {
        byte[] out = new byte[2 * (raw.length - bodyStart) + 2];
        int n = 0;
        int keep = 0; // the end of the last line that is not empty
        int pos = bodyStart;
        while (pos < raw.length) {
            int lf = indexOf(raw, (byte) '\n', pos);
            int end = lf < 0 ? raw.length : lf;
            int lineEnd = end > pos && raw[end - 1] == '\r' ? end - 1 : end;
            int lineStart = n;
            if (relaxed) {
                boolean space = false;
                for (int i = pos; i < lineEnd; i++) {
                    byte b = raw[i];
                    if (b == ' ' || b == '\t') {
                        space = true;
                    } else {
                        if (space) out[n++] = ' ';
                        space = false;
                        out[n++] = b;
                    }
                }
            } else {
                System.arraycopy(raw, pos, out, n, lineEnd - pos);
                n += lineEnd - pos;
            }
            boolean empty = n == lineStart;
            out[n++] = '\r';
            out[n++] = '\n';
            if (!empty) keep = n;
            pos = lf < 0 ? raw.length : lf + 1;
        }
        if (keep == 0) return relaxed ? new byte[0] : new byte[] {'\r', '\n'};
        return Arrays.copyOf(out, keep);
    }
}
