package org.tubemail.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the text of a {@code DATA} command: everything up to the line holding a lone dot, with
 * dot-stuffing undone (RFC 5321 section 4.5.2).
 *
 * <p>Only {@code CRLF . CRLF} ends the data, and only a dot right after {@code CRLF} is unstuffed: a
 * bare {@code LF} or {@code CR} is message text, so that no other line ending can end the message
 * early (the "SMTP smuggling" family of attacks relies on servers that disagree about this).
 *
 * <p>The stream is read in blocks, yet never past the terminating dot line: commands a client
 * pipelines after the data stay in the stream for the command reader. That needs a stream with
 * {@link InputStream#markSupported() mark and reset}, such as a {@link java.io.BufferedInputStream};
 * other streams are read a byte at a time.
 */
final class DataReader {

    private static final int BLOCK = 8192;
    private static final byte[] CR = {'\r'};

    /** Where the scanner is relative to line starts and a possible terminator. */
    private enum At { LINE_START, MID_LINE, AFTER_CR, LEADING_DOT, LEADING_DOT_CR }

    private DataReader() {
    }

    /**
     * Reads one message.
     *
     * @param in    the connection's input, positioned right after the {@code 354} reply
     * @param limit how many bytes of the message to keep; the rest is read and dropped, so a result
     *              of more than {@code limit - 1} bytes tells the caller the message was too big
     *              when {@code limit} is the size limit plus one
     * @return the message without the terminating dot line, or {@code null} when the stream ended first
     */
    static byte[] read(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, BLOCK));
        boolean blocks = in.markSupported();
        byte[] block = new byte[blocks ? BLOCK : 1];
        At at = At.LINE_START;
        while (true) {
            if (blocks) {
                in.mark(BLOCK);
            }
            int n = in.read(block, 0, block.length);
            if (n < 0) {
                return null;
            }
            int start = 0; // block[start..i) is message text not yet kept
            for (int i = 0; i < n; i++) {
                byte b = block[i];
                switch (at) {
                    case LINE_START -> {
                        if (b == '.') { // a leading dot is dropped: stuffing, or the start of the terminator
                            keep(out, block, start, i, limit);
                            start = i + 1;
                            at = At.LEADING_DOT;
                        } else {
                            at = b == '\r' ? At.AFTER_CR : At.MID_LINE;
                        }
                    }
                    case MID_LINE -> at = b == '\r' ? At.AFTER_CR : At.MID_LINE;
                    case AFTER_CR -> at = b == '\n' ? At.LINE_START : b == '\r' ? At.AFTER_CR : At.MID_LINE;
                    case LEADING_DOT -> {
                        if (b == '\r') { // held back until we know whether LF follows
                            keep(out, block, start, i, limit);
                            start = i + 1;
                            at = At.LEADING_DOT_CR;
                        } else {
                            at = At.MID_LINE;
                        }
                    }
                    case LEADING_DOT_CR -> {
                        if (b == '\n') {
                            if (blocks) { // give back what follows the terminator
                                in.reset();
                                skipFully(in, i + 1);
                            }
                            return out.toByteArray();
                        }
                        keep(out, CR, 0, 1, limit); // not the terminator: the held-back CR is text
                        start = i;
                        at = b == '\r' ? At.AFTER_CR : At.MID_LINE;
                    }
                    default -> throw new IllegalStateException(at.name());
                }
            }
            keep(out, block, start, n, limit);
        }
    }

    private static void keep(ByteArrayOutputStream out, byte[] b, int from, int to, int limit) {
        int room = limit - out.size();
        if (room > 0 && to > from) {
            out.write(b, from, Math.min(room, to - from));
        }
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                throw new IOException("cannot skip past the end of DATA");
            }
            left -= s;
        }
    }
}
