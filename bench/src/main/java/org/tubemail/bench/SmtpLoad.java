package org.tubemail.bench;

import com.sun.management.OperatingSystemMXBean;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An SMTP load client that speaks STARTTLS, for the benchmark's TLS modes (Postfix's smtp-source
 * has no TLS). Like {@code smtp-source -s SESSIONS -l 2048}: SESSIONS threads send MESSAGES
 * messages of 2 KiB in all, one SMTP session per message, or with {@code --reuse} message after
 * message in each session; with {@code --tls} every session starts TLS (trusting any certificate:
 * the servers under test use self-signed ones) and says EHLO again. The JDK's TLS client resumes
 * sessions where the server allows it, as MTAs with a session cache do. With {@code --warmup=N} it
 * first sends N messages the same way, untimed, so that the timed run measures a compiled client
 * rather than the JIT compiling it (the same for every server). Usage:
 * {@code java -cp benchmarks.jar org.tubemail.bench.SmtpLoad PORT MESSAGES SESSIONS [--tls] [--reuse] [--warmup=N]};
 * prints the messages sent, the seconds taken and the client's own CPU time per message (timed run
 * only), and exits with 1 on any refusal or error.
 */
public final class SmtpLoad {

    private static final byte[] MESSAGE = message();

    private SmtpLoad() {
    }

    private static byte[] message() {
        StringBuilder b = new StringBuilder("From: <bench@senders.example.org>\r\nTo: <rcpt@example.com>\r\nSubject: load\r\n\r\n");
        while (b.length() < 2048) {
            b.append("La de da de da 1.\tLa de da de da 2.\tLa de da de da 3.\tLa de da de da 4.\r\n");
        }
        return b.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        int messages = Integer.parseInt(Ports.arg(args, 1, "MESSAGES"));
        int sessions = Integer.parseInt(Ports.arg(args, 2, "SESSIONS"));
        List<String> flags = List.of(args).subList(3, args.length);
        boolean tls = flags.contains("--tls");
        boolean reuse = flags.contains("--reuse");
        int warmup = flags.stream().filter(f -> f.startsWith("--warmup=")).mapToInt(f -> Integer.parseInt(f.substring(9))).sum();
        SSLContext context = trustAll();
        if (warmup > 0) {
            run(port, warmup, sessions, tls ? context : null, reuse);
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        run(port, messages, sessions, tls ? context : null, reuse);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / messages;
        System.out.printf(Locale.ROOT, "sent %d messages in %.3f s (%s, %s), client CPU %.3f ms per message%n", messages, seconds,
                tls ? "STARTTLS" : "plain", reuse ? "reused connections" : "one connection per message", cpuMs);
    }

    /** Sends {@code messages} over {@code sessions} threads; exits the JVM with 1 on a failure. */
    private static void run(int port, int messages, int sessions, SSLContext context, boolean reuse) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Thread t = new Thread(() -> {
                try {
                    Session s = null;
                    while (failure.get() == null && next.getAndIncrement() < messages) {
                        if (s == null) {
                            s = new Session(port, context);
                        }
                        s.send();
                        if (!reuse) {
                            s.quit();
                            s = null;
                        }
                    }
                    if (s != null) {
                        s.quit();
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "load-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            System.err.println("failed: " + failure.get());
            System.exit(1);
        }
    }

    /** One SMTP session, after EHLO (and STARTTLS and EHLO again). */
    private static final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Session(int port, SSLContext tls) throws IOException {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            plain.setSoTimeout(60_000);
            plain.setTcpNoDelay(true);
            use(plain);
            expect("220");
            command("EHLO load.example.org", "250");
            if (tls != null) {
                command("STARTTLS", "220");
                SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
                s.setUseClientMode(true);
                s.startHandshake();
                use(s);
                command("EHLO load.example.org", "250");
            }
        }

        private void use(Socket s) throws IOException {
            socket = s;
            in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        void send() throws IOException {
            command("MAIL FROM:<bench@senders.example.org>", "250");
            command("RCPT TO:<rcpt@example.com>", "250");
            command("DATA", "354");
            out.write(MESSAGE);
            out.flush();
            expect("250");
        }

        void quit() throws IOException {
            command("QUIT", "221");
            socket.close();
        }

        private void command(String line, String code) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(code);
        }

        /** Reads a whole reply and checks its code. */
        private void expect(String code) throws IOException {
            while (true) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) != '\n') {
                    if (c < 0) {
                        throw new IOException("connection closed, waiting for " + code);
                    }
                    line.append((char) c);
                }
                if (!line.toString().startsWith(code)) {
                    throw new IOException("expected " + code + ", got: " + line.toString().strip());
                }
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return;
                }
            }
        }
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }
}
