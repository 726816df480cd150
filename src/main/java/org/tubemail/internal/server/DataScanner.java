package org.tubemail.internal.server;

import java.util.Arrays;

/**
 * Collects the text of a {@code DATA} command as its bytes arrive, in blocks of any size: everything
 * up to the line holding a lone dot, with dot-stuffing undone (RFC 5321 section 4.5.2).
 *
 * <p>Only {@code CRLF . CRLF} ends the data, and only a dot right after {@code CRLF} is unstuffed: a
 * bare {@code LF} or {@code CR} is message text, so that no other line ending can end the message
 * early (the "SMTP smuggling" family of attacks relies on servers that disagree about this).
 * Not thread-safe.
 */
public final class DataScanner {

    private static final byte[] CR = {'\r'};

    /** Where the scanner is relative to line starts and a possible terminator. */
    private enum At { LINE_START, MID_LINE, AFTER_CR, LEADING_DOT, LEADING_DOT_CR }

    private final int limit;
    private byte[] kept;
    private int size;
    private At at = At.LINE_START;

    /**
     * @param limit how many bytes of the message to keep; the rest is scanned and dropped, so
     *              {@link #tooBig} holds once more than {@code limit - 1} bytes arrived
     */
    public DataScanner(int limit) {
        this.limit = limit;
        this.kept = new byte[Math.min(limit, 4096)];
    }

    /**
     * Scans {@code b[from, to)}.
     *
     * @return the index right after the terminating dot line when it lies in this block (what
     *         follows belongs to the next command), or {@code -1} when more data is needed
     */
    public int scan(byte[] b, int from, int to) {
        int start = from; // b[start..i) is message text not yet kept
        for (int i = from; i < to; i++) {
            byte c = b[i];
            switch (at) {
                case LINE_START -> {
                    if (c == '.') { // a leading dot is dropped: stuffing, or the start of the terminator
                        keep(b, start, i);
                        start = i + 1;
                        at = At.LEADING_DOT;
                    } else {
                        at = c == '\r' ? At.AFTER_CR : At.MID_LINE;
                    }
                }
                case MID_LINE -> at = c == '\r' ? At.AFTER_CR : At.MID_LINE;
                case AFTER_CR -> at = c == '\n' ? At.LINE_START : c == '\r' ? At.AFTER_CR : At.MID_LINE;
                case LEADING_DOT -> {
                    if (c == '\r') { // held back until we know whether LF follows
                        keep(b, start, i);
                        start = i + 1;
                        at = At.LEADING_DOT_CR;
                    } else {
                        at = At.MID_LINE;
                    }
                }
                case LEADING_DOT_CR -> {
                    if (c == '\n') {
                        return i + 1;
                    }
                    keep(CR, 0, 1); // not the terminator: the held-back CR is text
                    start = i;
                    at = c == '\r' ? At.AFTER_CR : At.MID_LINE;
                }
                default -> throw new IllegalStateException(at.name());
            }
        }
        keep(b, start, to);
        return -1;
    }

    private void keep(byte[] b, int from, int to) {
        int n = Math.min(limit - size, to - from);
        if (n <= 0) {
            return;
        }
        if (size + n > kept.length) {
            kept = Arrays.copyOf(kept, (int) Math.min(limit, Math.max(size + n, 2L * kept.length)));
        }
        System.arraycopy(b, from, kept, size, n);
        size += n;
    }

    /** Whether more than {@code limit - 1} bytes arrived (the message is over a limit of {@code limit - 1}). */
    public boolean tooBig() {
        return size >= limit;
    }

    /** The message so far (all of it once {@link #scan} found the end), without the dot line. */
    public byte[] message() {
        return Arrays.copyOf(kept, size);
    }
}
