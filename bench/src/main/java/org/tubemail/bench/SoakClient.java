package org.tubemail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak run's SMTP load: messages at a fixed rate, in a mix of sessions: several messages on one
 * connection (60%), one message per connection (25%), three recipients (10%), a slow client that
 * pauses between commands (3%), and a client that disconnects in the middle of {@code DATA} (2%).
 * Each message carries {@code X-Soak-Id}; every {@code 250} after {@code DATA} is logged as
 * {@code ID RECIPIENT MILLIS} in the accepted log. While the server is down (the run kills and
 * restarts it), connections fail and are counted; nothing is retried.
 *
 * <p>Usage: {@code SoakClient PORT RATE SECONDS ACCEPTED_LOG}; {@code RATE 0} sends as fast as 16
 * sessions can and prints the rate reached (the run takes half of it).
 */
public final class SoakClient {

    private final int port;
    private final double rate;
    private final long endNanos;
    private final long startNanos = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong permits = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final PrintWriter log;

    private SoakClient(int port, double rate, long seconds, PrintWriter log) {
        this.port = port;
        this.rate = rate;
        this.endNanos = startNanos + seconds * 1_000_000_000L;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        double rate = Double.parseDouble(Ports.arg(args, 1, "RATE"));
        long seconds = Long.parseLong(Ports.arg(args, 2, "SECONDS"));
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of(Ports.arg(args, 3, "ACCEPTED_LOG"))))) {
            SoakClient c = new SoakClient(port, rate, seconds, log);
            Thread flusher = new Thread(() -> {
                while (true) {
                    LockSupport.parkNanos(1_000_000_000L);
                    synchronized (log) {
                        log.flush(); // the run samples the log's length as "accepted so far"
                    }
                }
            }, "soak-flush");
            flusher.setDaemon(true);
            flusher.start();
            List<Thread> threads = new ArrayList<>();
            int sessions = rate == 0 ? 16 : 48; // at a fixed rate, slow clients must not hold up the others
            for (int i = 0; i < sessions; i++) {
                long seed = i;
                Thread t = new Thread(() -> c.run(new SplittableRandom(seed)), "soak-" + i);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            double secs = (System.nanoTime() - c.startNanos) / 1e9;
            System.out.printf("SUMMARY sent=%d accepted=%d refused=%d aborted=%d connect_failures=%d rate=%.0f%n", c.sent.get(),
                    c.accepted.get(), c.refused.get(), c.aborted.get(), c.connectFailures.get(), c.accepted.get() / secs);
        }
    }

    private void run(SplittableRandom random) {
        while (System.nanoTime() < endNanos) {
            int kind = random.nextInt(100);
            try {
                if (kind < 60) {
                    session(random, 5, 1, false, false);
                } else if (kind < 85) {
                    session(random, 1, 1, false, false);
                } else if (kind < 95) {
                    session(random, 1, 3, false, false);
                } else if (kind < 98) {
                    session(random, 1, 1, true, false);
                } else {
                    session(random, 1, 1, false, true);
                }
            } catch (IOException e) {
                connectFailures.incrementAndGet();
                LockSupport.parkNanos(100_000_000L); // the server is down (restart): try again shortly
            }
        }
    }

    /** Waits for this message's slot in the fixed-rate schedule; false once the run is over. */
    private boolean pace() {
        if (rate == 0) {
            return System.nanoTime() < endNanos;
        }
        long slot = startNanos + (long) (permits.getAndIncrement() * 1e9 / rate);
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        return System.nanoTime() < endNanos;
    }

    private void session(SplittableRandom random, int messages, int recipients, boolean slow, boolean abort) throws IOException {
        if (!pace()) {
            return;
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO soak.test", "250", slow);
            for (int m = 0; m < messages; m++) {
                if (m > 0 && !pace()) {
                    break;
                }
                long id = ids.incrementAndGet();
                String from = "user" + random.nextInt(1000) + "@soak.test";
                List<String> rcpts = new ArrayList<>();
                for (int r = 0; r < recipients; r++) {
                    rcpts.add("soak-" + (random.nextInt(50) + r * 50) + "@example.com");
                }
                command(out, in, "MAIL FROM:<" + from + ">", "250", slow);
                for (String rcpt : rcpts) {
                    command(out, in, "RCPT TO:<" + rcpt + ">", "250", slow);
                }
                command(out, in, "DATA", "354", slow);
                byte[] body = message(id, from, rcpts);
                if (abort) {
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    aborted.incrementAndGet();
                    return; // closes mid-DATA
                }
                out.write(body);
                out.flush();
                sent.incrementAndGet();
                String reply = reply(in);
                if (reply.startsWith("250")) {
                    accepted.incrementAndGet();
                    long now = System.currentTimeMillis();
                    synchronized (log) {
                        for (String rcpt : rcpts) {
                            log.println(id + " " + rcpt + " " + now);
                        }
                    }
                } else {
                    refused.incrementAndGet();
                }
            }
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static byte[] message(long id, String from, List<String> rcpts) {
        StringBuilder b = new StringBuilder(2200);
        b.append("From: <").append(from).append(">\r\nTo: <").append(String.join(">, <", rcpts))
                .append(">\r\nSubject: soak ").append(id).append("\r\nMessage-ID: <").append(id)
                .append("@soak.test>\r\nX-Soak-Id: ").append(id).append("\r\n\r\n");
        while (b.length() < 2048) {
            b.append("The quick brown fox jumps over the lazy dog, again and again, for a while.\r\n");
        }
        return b.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void command(OutputStream out, BufferedReader in, String line, String expected, boolean slow) throws IOException {
        if (slow) {
            LockSupport.parkNanos(500_000_000L);
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, expected);
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String r = reply(in);
        if (!r.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + r);
        }
    }

    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
