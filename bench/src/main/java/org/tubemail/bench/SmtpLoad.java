package org.tubemail.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An SMTP load client that speaks STARTTLS, for the benchmark's TLS modes (Postfix's smtp-source
 * has no TLS). Like {@code smtp-source -s SESSIONS -l 2048}: SESSIONS threads send MESSAGES
 * messages of 2 KiB in all, one SMTP session per message, or with {@code --reuse} message after
 * message in each session; with {@code --tls} every session starts TLS (trusting any certificate:
 * the servers under test use self-signed ones) and says EHLO again. The JDK's TLS client resumes
 * sessions where the server allows it, as MTAs with a session cache do. Usage:
 * {@code java -cp benchmarks.jar org.tubemail.bench.SmtpLoad PORT MESSAGES SESSIONS [--tls] [--reuse]};
 * prints the messages sent and the seconds taken, and exits with 1 on any refusal or error.
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
        SSLContext context = trustAll();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            Thread t = new Thread(() -> {
                try {
                    Session s = null;
                    while (failure.get() == null && next.getAndIncrement() < messages) {
                        if (s == null) {
                            s = new Session(port, tls ? context : null);
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
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            System.err.println("failed: " + failure.get());
            System.exit(1);
        }
        System.out.printf("sent %d messages in %.3f s (%s, %s)%n", messages, seconds, tls ? "STARTTLS" : "plain",
                reuse ? "reused connections" : "one connection per message");
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
