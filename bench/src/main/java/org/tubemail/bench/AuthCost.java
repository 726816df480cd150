package org.tubemail.bench;

import org.tubemail.internal.auth.Authenticator;
import org.tubemail.internal.crypto.CryptoProvider;
import org.tubemail.internal.dkim.DkimKey;
import org.tubemail.internal.dkim.DkimKeys;
import org.tubemail.internal.dkim.DkimSigner;
import org.tubemail.internal.dkim.DkimVerifier;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.smtp.SenderChecks;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * What SPF, DKIM and DMARC checks cost with a warm DNS cache: two Tubemail SMTP servers as in the
 * SMTP step (durable MapDB state, log spool), one with the sender checks on (dnsjava asking a real
 * dnsmasq on 127.0.0.1 that publishes the sender domain's SPF, DKIM and DMARC records with a one-hour
 * TTL), one without. Every message sent is distinct (its own Message-ID, Date and body line) and
 * RSA-2048 DKIM-signed before its run starts, so nothing message-specific can be cached; the sender's
 * SPF passes. Messages go over {@code CONNECTIONS} reused connections to each server in turn, round
 * after round; each run is timed until every accepted message is routed. Prints the checks' CPU
 * alone on one thread (all three, DKIM alone, the bare RSA verification), each run's CPU per
 * message by thread group (from {@code /proc/self/task}), the rates, and the median ratio (target:
 * checks on ≥ 0.8 × checks off). Usage:
 * {@code java -cp benchmarks.jar org.tubemail.bench.AuthCost DNSMASQ WORK_DIR [MESSAGES] [ROUNDS] [WARM_UP]}.
 */
public final class AuthCost {
    private static final int CONNECTIONS = 20;
    private static final String SENDER = "bench@senders.example.org";
    private static final String HELO = "client.senders.example.org";
    /** Checks run on one thread before the one-thread figure is taken, so that the JIT has compiled them. */
    private static final int WARM_UP_CHECKS = 20_000;
    private static final int MEASURED_CHECKS = 5_000;
    private static final byte[] END = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    private AuthCost() {}

    /** One Tubemail server and its spool, to wait for routing. */
    private record Server(String name, SmtpReceiver receiver, LogQueue spool, MapDbStorage storage) {}

    /** Makes distinct signed messages: a new sequence number, Message-ID, Date and body line for each. */
    private static final class Messages {
        private final DkimSigner signer;
        private final AtomicLong next = new AtomicLong();

        Messages(DkimSigner signer) {
            this.signer = signer;
        }

        /** {@code n} new messages, each signed (on every core: this is not timed). */
        byte[][] next(int n) {
            long first = next.getAndAdd(n);
            return LongStream.range(first, first + n).parallel().mapToObj(this::message).toArray(byte[][]::new);
        }

        private byte[] message(long i) {
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.of(2026, 12, 1, 4, 0, 0, 0, ZoneOffset.UTC).plusSeconds(i));
            return signer.sign(("From: Bench <" + SENDER + ">\r\nTo: rcpt@example.com\r\nSubject: auth cost\r\n"
                    + "Date: " + date + "\r\nMessage-ID: <bench." + i + "@senders.example.org>\r\n\r\n"
                    + "Message number " + i + " of the sender-check benchmark.\r\n"
                    + "x".repeat(76).concat("\r\n").repeat(25)).getBytes(StandardCharsets.US_ASCII));
        }
    }

    public static void main(String[] args) throws Exception {
        Path dnsmasq = Path.of(Ports.arg(args, 0, "DNSMASQ"));
        Path work = Files.createDirectories(Path.of(Ports.arg(args, 1, "WORK_DIR")));
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        // as the SMTP step's: long enough that the JIT has settled (10,000 left C2 compiling through two rounds)
        int warmUp = args.length > 4 ? Integer.parseInt(args[4]) : 40_000;
        // as the server: the native provider when it loads (-Dtubemail.crypto.provider=jdk for the JDK's)
        System.out.println("crypto: " + CryptoProvider.use(CryptoProvider.defaultMode()).describe());

        KeyPair key = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        int dnsPort = freePort();
        Process dns = new ProcessBuilder(dnsmasq.toString(), "-k", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + dnsPort, "--local=/#/", "--local-ttl=3600",
                "--pid-file", "--user=" + System.getProperty("user.name"),
                "--txt-record=senders.example.org,v=spf1 ip4:127.0.0.0/8 -all",
                "--txt-record=_dmarc.senders.example.org,v=DMARC1; p=reject",
                txtRecord("bench._domainkey.senders.example.org", DkimKeys.record(key.getPublic())))
                .redirectErrorStream(true).redirectOutput(work.resolve("dnsmasq.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(dns::destroy));
        Thread.sleep(500);
        Messages source = new Messages(new DkimSigner(new DkimKey("senders.example.org", "bench", key.getPrivate())));

        DnsResolver resolver = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", dnsPort)),
                Duration.ofSeconds(5), 10_000));
        SenderChecks checks = new SenderChecks(new Authenticator(resolver),
                new SenderChecks.Settings("bench.tubemail.test", false, true, Duration.ofSeconds(20), 16));
        checksAlone(new Authenticator(resolver), new DkimVerifier(resolver), key, source);
        Server off = start("checks off", work.resolve("off"), null);
        Server on = start("checks on", work.resolve("on"), checks);

        System.out.println("warm-up (" + warmUp + " messages each)");
        for (int done = 0; done < warmUp; done += messages) {
            run(off, source.next(Math.min(messages, warmUp - done)));
            run(on, source.next(Math.min(messages, warmUp - done)));
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double a = run(off, source.next(messages));
            double b = run(on, source.next(messages));
            ratios[r] = b / a;
            System.out.printf("round %d: checks off %.0f msg/s, checks on %.0f msg/s, ratio %.2f%n", r + 1, a, b, ratios[r]);
        }
        Arrays.sort(ratios);
        System.out.printf("RESULT checks-on/checks-off median ratio %.2f (target >= 0.80) over %d rounds of %d messages, "
                + "%d reused connections%n", ratios[rounds / 2], rounds, messages, CONNECTIONS);
        for (Server s : List.of(off, on)) {
            s.receiver().stop(Duration.ofSeconds(5));
            s.storage().close();
        }
        dns.destroy();
        System.exit(0);
    }

    /**
     * The checks' CPU on this one thread, after a warm-up long enough for the JIT, over messages
     * never checked before: all checks ({@link Authenticator}), DKIM alone, and the bare RSA-2048
     * verification of the same signed bytes' size (what no cache may skip).
     */
    private static void checksAlone(Authenticator all, DkimVerifier dkim, KeyPair key, Messages source) throws Exception {
        byte[][] warm = source.next(2_000);
        for (int i = 0; i < WARM_UP_CHECKS; i++) all.check("127.0.0.1", HELO, SENDER, warm[i % warm.length]);
        for (int i = 0; i < WARM_UP_CHECKS; i++) dkim.verify(warm[i % warm.length]);
        byte[][] fresh = source.next(MEASURED_CHECKS);
        Authentication first = all.check("127.0.0.1", HELO, SENDER, fresh[0]);
        if (first.dmarc().verdict() != Verdict.PASS || first.dkim().get(0).verdict() != Verdict.PASS) {
            throw new IllegalStateException("the bench's message does not authenticate: " + first);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 1; i < MEASURED_CHECKS; i++) all.check("127.0.0.1", HELO, SENDER, fresh[i]);
        long t1 = threads.getCurrentThreadCpuTime();
        for (int i = 1; i < MEASURED_CHECKS; i++) dkim.verify(fresh[i]);
        long t2 = threads.getCurrentThreadCpuTime();
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key.getPrivate());
        byte[] data = new byte[400]; // about the size of the canonical signed header fields
        rsa.update(data);
        byte[] signature = rsa.sign();
        for (int i = 0; i < WARM_UP_CHECKS; i++) verify(rsa, key, data, signature);
        long t3 = threads.getCurrentThreadCpuTime();
        for (int i = 1; i < MEASURED_CHECKS; i++) verify(rsa, key, data, signature);
        long t4 = threads.getCurrentThreadCpuTime();
        int n = MEASURED_CHECKS - 1;
        System.out.printf("checks alone, one thread, warm cache: %.0f µs of CPU per message (SPF, DKIM rsa-sha256, DMARC); "
                + "DKIM alone %.0f µs, of which the RSA-2048 verification %.0f µs%n",
                (t1 - t0) / n / 1e3, (t2 - t1) / n / 1e3, (t4 - t3) / n / 1e3);
    }

    private static void verify(Signature rsa, KeyPair key, byte[] data, byte[] signature) throws GeneralSecurityException {
        rsa.initVerify(key.getPublic());
        rsa.update(data);
        if (!rsa.verify(signature)) throw new IllegalStateException("the bench's own RSA signature does not verify");
    }

    private static Server start(String name, Path work, SenderChecks checks) throws IOException {
        Files.createDirectories(work);
        MapDbStorage storage = new MapDbStorage(work.resolve("state.db"));
        Router router = Router.builder().storage(storage).undeliverable(new MaildirQueue(work.resolve("undeliverable")))
                .defaultCapture("host", "example\\.com").handlers(new MailboxHandler()).build();
        LogQueue spool = new LogQueue(work.resolve("spool-log"));
        SmtpReceiver receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 10L << 20, 100,
                Duration.ofMinutes(10), 500, 32), router, spool, checks);
        receiver.start();
        return new Server(name, receiver, spool, storage);
    }

    /**
     * Sends every message once over {@link #CONNECTIONS} connections and waits until all are routed;
     * prints the CPU per message of each thread group; returns msg/s.
     */
    private static double run(Server server, byte[][] messages) throws Exception {
        Map<String, Long> cpu0 = ThreadCpu.byGroup();
        long start = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicLong clientCpu = new AtomicLong();
        for (int c = 0; c < CONNECTIONS; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    send(server.receiver().port(), messages, id);
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    clientCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            }, "bench-client-" + c);
            clients.add(t);
            t.start();
        }
        for (Thread t : clients) t.join();
        if (!failures.isEmpty()) throw new IllegalStateException(server.name() + ": " + failures.get(0), failures.get(0));
        while (server.spool().count() > 0) Thread.sleep(1);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %s: %s; the clients %.0f µs%n", server.name(), ThreadCpu.report(cpu0, ThreadCpu.byGroup(), messages.length),
                clientCpu.get() / 1e3 / messages.length);
        Thread.sleep(2_000); // let the disk settle before the next run
        return messages.length / seconds;
    }

    /** Sends messages {@code id}, {@code id + CONNECTIONS}, ... on one connection. */
    private static void send(int port, byte[][] messages, int id) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.setTcpNoDelay(true); // as MTAs do: no Nagle delay between a command and the next
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO " + HELO, "250");
            for (int i = id; i < messages.length; i += CONNECTIONS) { // PIPELINING, as MTAs send
                byte[] message = messages[i];
                out.write(("MAIL FROM:<" + SENDER + ">\r\nRCPT TO:<box" + (id * 1000 + i / CONNECTIONS % 1000)
                        + "@example.com>\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, "250");
                expect(in, "250");
                expect(in, "354");
                byte[] data = Arrays.copyOf(message, message.length + 3); // the message and its end, in one write
                System.arraycopy(END, 0, data, message.length, 3);
                out.write(data);
                out.flush();
                expect(in, "250");
            }
            command(out, in, "QUIT", "221");
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("connection closed, expected " + code);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) throw new IOException("expected " + code + ", got " + line);
    }

    private static String txtRecord(String name, String value) {
        StringBuilder arg = new StringBuilder("--txt-record=").append(name);
        for (int i = 0; i < value.length(); i += 255) arg.append(',').append(value, i, Math.min(value.length(), i + 255));
        return arg.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
