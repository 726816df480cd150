package org.tubemail.internal.server;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the text of a {@code DATA} command from a blocking stream (see {@link DataScanner} for what
 * ends it and what is unstuffed).
 *
 * <p>The stream is read in blocks, yet never past the terminating dot line: commands a client
 * pipelines after the data stay in the stream for the command reader. That needs a stream with
 * {@link InputStream#markSupported() mark and reset}, such as a {@link java.io.BufferedInputStream};
 * other streams are read a byte at a time.
 */
public final class DataReader {

    private static final int BLOCK = 8192;

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
    public static byte[] read(InputStream in, int limit) throws IOException {
        DataScanner scanner = new DataScanner(limit);
        boolean blocks = in.markSupported();
        byte[] block = new byte[blocks ? BLOCK : 1];
        while (true) {
            if (blocks) {
                in.mark(BLOCK);
            }
            int n = in.read(block, 0, block.length);
            if (n < 0) {
                return null;
            }
            int end = scanner.scan(block, 0, n);
            if (end >= 0) {
                if (blocks) { // give back what follows the terminator
                    in.reset();
                    skipFully(in, end);
                }
                return scanner.message();
            }
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
