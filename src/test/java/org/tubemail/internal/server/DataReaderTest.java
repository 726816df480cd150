package org.tubemail.internal.server;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DataReaderTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Dot-stuffs {@code message} (which ends with CRLF) as a client does, and adds the terminator. */
    private static byte[] stuffed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            if (lineStart && message[i] == '.') {
                out.write('.');
            }
            out.write(message[i]);
            lineStart = message[i] == '\n' && i > 0 && message[i - 1] == '\r';
        }
        out.writeBytes(ascii(".\r\n"));
        return out.toByteArray();
    }

    /** Hands out at most a few bytes per read, like a slow network; no mark and reset. */
    private static InputStream trickle(byte[] data, long seed) {
        Random r = new Random(seed);
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + r.nextInt(5)));
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    private static void roundTrip(byte[] message, InputStream source) throws IOException {
        byte[] got = DataReader.read(source, Integer.MAX_VALUE);
        assertArrayEquals(message, got, () -> "got " + new String(got, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n"));
        assertEquals("QUIT\r\n", new String(source.readAllBytes(), StandardCharsets.ISO_8859_1), "what follows the data stays unread");
    }

    @Test
    void randomMessagesSurviveStuffingAndBlockBoundaries() throws IOException {
        byte[] alphabet = ascii(".\r\n.a.\r\nb");
        Random r = new Random(42);
        for (int round = 0; round < 3000; round++) {
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            int len = r.nextInt(round % 10 == 0 ? 20_000 : 60);
            for (int i = 0; i < len; i++) {
                m.write(alphabet[r.nextInt(alphabet.length)]);
            }
            m.writeBytes(ascii("\r\n"));
            byte[] message = m.toByteArray();
            byte[] wire = new byte[stuffed(message).length + 6];
            System.arraycopy(stuffed(message), 0, wire, 0, wire.length - 6);
            System.arraycopy(ascii("QUIT\r\n"), 0, wire, wire.length - 6, 6);
            int bufferSize = 1 + r.nextInt(64);
            roundTrip(message, new BufferedInputStream(new ByteArrayInputStream(wire), bufferSize));
            roundTrip(message, new BufferedInputStream(trickle(wire, round)));
            roundTrip(message, trickle(wire, round)); // a byte at a time
        }
    }

    @Test
    void onlyCrLfDotCrLfEndsTheData() throws IOException {
        byte[] wire = ascii("a\n.\nb\r.\rc\n.\r\nd\r\n.x\r\n..\r\n.\r\nQUIT\r\n");
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(wire));
        assertArrayEquals(ascii("a\n.\nb\r.\rc\n.\r\nd\r\nx\r\n.\r\n"), DataReader.read(in, 1000));
        assertEquals("QUIT\r\n", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void keepsAtMostTheLimitButReadsToTheEnd() throws IOException {
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(ascii("0123456789\r\nabc\r\n.\r\nQUIT\r\n")));
        assertArrayEquals(ascii("0123"), DataReader.read(in, 4));
        assertEquals("QUIT\r\n", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void anEmptyMessageAndAnUnfinishedOne() throws IOException {
        assertArrayEquals(new byte[0], DataReader.read(new BufferedInputStream(new ByteArrayInputStream(ascii(".\r\n"))), 10));
        assertNull(DataReader.read(new BufferedInputStream(new ByteArrayInputStream(ascii("text\r\n.\r"))), 100));
        assertNull(DataReader.read(new ByteArrayInputStream(ascii("text\r\n")), 100));
    }
}
