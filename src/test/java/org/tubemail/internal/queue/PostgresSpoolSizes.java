package org.tubemail.internal.queue;

import org.tubemail.internal.monitor.Monitor;
import org.tubemail.mail.Envelope;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * How long the PostgreSQL spool takes to store (one commit) and to claim and read back one message
 * of 10 KB, 1 MB and 10 MB, with the body stored uncompressed out of line (the spool's choice,
 * {@code STORAGE EXTERNAL}) and compressed ({@code EXTENDED}, PostgreSQL's default). The body is
 * base64 of random bytes, like an attachment. Run by hand (figures in bench/BENCHMARKS.md):
 * {@code java -cp target/classes:target/test-classes:$(cat cp) org.tubemail.internal.queue.PostgresSpoolSizes URL USER PASSWORD}.
 */
public final class PostgresSpoolSizes {

    private PostgresSpoolSizes() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        try (PostgresSpool spool = new PostgresSpool(new PostgresSpool.Options(url, user, password, "bench", 4, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ZERO), Monitor.NONE)) {
            for (String storage : List.of("EXTERNAL", "EXTENDED")) {
                try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE tubemail_spool ALTER COLUMN message SET STORAGE " + storage);
                }
                for (int size : new int[]{10 * 1024, 1024 * 1024, 10 * 1024 * 1024}) {
                    run(spool, storage, size, size <= 10 * 1024 ? 300 : size <= 1024 * 1024 ? 30 : 6);
                }
            }
            batches(spool, 10 * 1024, 50, 20);
            try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE tubemail_spool ALTER COLUMN message SET STORAGE EXTERNAL");
            }
        }
    }

    /** {@code rounds} batches of {@code batch} messages of {@code size} bytes, each batch one commit (as the SMTP spooler pushes). */
    private static void batches(PostgresSpool spool, int size, int batch, int rounds) {
        spool.clear();
        byte[] message = message(size);
        List<byte[]> messages = java.util.Collections.nCopies(batch, message);
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            spool.pushAll(messages);
        }
        long nanos = System.nanoTime() - t0;
        System.out.printf("EXTERNAL %8d bytes, %d batches of %d: %8.2f ms per batch, %6.0f messages/s stored%n", message.length, rounds,
                batch, nanos / 1e6 / rounds, batch * rounds / (nanos / 1e9));
        spool.clear();
    }

    private static byte[] message(int size) {
        byte[] random = new byte[size * 3 / 4];
        new Random(size).nextBytes(random);
        byte[] body = Base64.getMimeEncoder().encode(random);
        return EnvelopeHeaders.wrap(new Envelope("127.0.0.1", "bob@example.org", List.of("x@example.com")), "",
                ("Subject: size " + size + "\r\n\r\n" + new String(body, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
    }

    private static void run(PostgresSpool spool, String storage, int size, int n) {
        spool.clear();
        byte[] message = message(size);
        spool.push(message); // warm-up
        spool.remove(spool.claim().orElseThrow().key());
        long store = 0;
        long read = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            String key = spool.push(message);
            long t1 = System.nanoTime();
            byte[] back = spool.claim().orElseThrow().message();
            long t2 = System.nanoTime();
            if (back.length != message.length || !spool.remove(key)) {
                throw new IllegalStateException("read back " + back.length + " bytes of " + message.length);
            }
            store += t1 - t0;
            read += t2 - t1;
        }
        System.out.printf("%-8s %8d bytes x %3d: store %8.2f ms, claim+read %8.2f ms, %6.1f MB/s stored%n", storage, message.length, n,
                store / 1e6 / n, read / 1e6 / n, (double) message.length * n / (store / 1e9) / 1e6);
    }
}
