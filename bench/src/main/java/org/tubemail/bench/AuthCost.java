package org.tubemail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.tubemail.auth.Authenticator;
import org.tubemail.dkim.DkimKey;
import org.tubemail.dkim.DkimKeys;
import org.tubemail.dkim.DkimSigner;
import org.tubemail.dns.DnsResolver;
import org.tubemail.dns.DnsSettings;
import org.tubemail.queue.LogQueue;
import org.tubemail.queue.MaildirQueue;
import org.tubemail.routing.Router;
import org.tubemail.server.ReceiverSettings;
import org.tubemail.server.smtp.SenderChecks;
import org.tubemail.server.smtp.SmtpReceiver;
import org.tubemail.state.MapDbStorage;

/**
 * What SPF, DKIM and DMARC checks cost with a warm DNS cache: two Tubemail SMTP servers as in the
 * SMTP step (durable MapDB state, log spool), one with the sender checks on (dnsjava asking a real
 * dnsmasq on 127.0.0.1 that publishes the sender domain's SPF, DKIM and DMARC records with a one-hour
 * TTL), one without. The same RSA-2048 DKIM-signed message from a sender whose SPF passes is sent
 * over {@code CONNECTIONS} reused connections to each in turn, round after round; each run is timed
 * until every accepted message is routed. Prints the rates and the median ratio (target: checks
 * on ≥ 0.8 × checks off). Usage:
 * {@code java -cp benchmarks.jar org.tubemail.bench.AuthCost DNSMASQ WORK_DIR [MESSAGES] [ROUNDS]}.
 */
public final class AuthCost {
    private static final int CONNECTIONS = 20;
    private static final String SENDER = "bench@senders.example.org";

    private AuthCost() {}

    /** One Tubemail server and its spool, to wait for routing. */
    private record Server(String name, SmtpReceiver receiver, LogQueue spool, MapDbStorage storage) {}

    public static void main(String[] args) throws Exception {
        Path dnsmasq = Path.of(Ports.arg(args, 0, "DNSMASQ"));
        Path work = Files.createDirectories(Path.of(Ports.arg(args, 1, "WORK_DIR")));
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;

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

        byte[] message = new DkimSigner(new DkimKey("senders.example.org", "bench", key.getPrivate())).sign((
                "From: Bench <" + SENDER + ">\r\nTo: rcpt@example.com\r\nSubject: auth cost\r\n"
                + "Date: Tue, 1 Dec 2026 04:00:00 +0000\r\nMessage-ID: <bench@senders.example.org>\r\n\r\n"
                + "x".repeat(76).concat("\r\n").repeat(26)).getBytes(StandardCharsets.US_ASCII));

        DnsResolver resolver = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", dnsPort)),
                Duration.ofSeconds(5), 10_000));
        SenderChecks checks = new SenderChecks(new Authenticator(resolver),
                new SenderChecks.Settings("bench.tubemail.test", false, true, Duration.ofSeconds(20), 16));
        Authenticator alone = new Authenticator(resolver);
        for (int i = 0; i < 2_000; i++) alone.check("127.0.0.1", "client.senders.example.org", SENDER, message); // warm the cache and the JIT
        // process CPU, not wall time: the lookups finish on dnsjava's threads, and other load does not count
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        for (int i = 0; i < 5_000; i++) alone.check("127.0.0.1", "client.senders.example.org", SENDER, message);
        System.out.printf("checks alone, one thread, warm cache: %.0f µs of CPU per message (SPF, DKIM rsa-sha256, DMARC)%n",
                (os.getProcessCpuTime() - cpu0) / 5_000 / 1e3);
        Server off = start("checks off", work.resolve("off"), null);
        Server on = start("checks on", work.resolve("on"), checks);

        System.out.println("warm-up (" + messages + " messages each)");
        run(off, message, messages);
        run(on, message, messages);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double a = run(off, message, messages);
            double b = run(on, message, messages);
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

    /** Sends {@code messages} over {@link #CONNECTIONS} connections and waits until all are routed; returns msg/s. */
    private static double run(Server server, byte[] message, int messages) throws Exception {
        long start = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int share = messages / CONNECTIONS + (c < messages % CONNECTIONS ? 1 : 0);
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    send(server.receiver().port(), message, share, id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            clients.add(t);
            t.start();
        }
        for (Thread t : clients) t.join();
        if (!failures.isEmpty()) throw new IllegalStateException(server.name() + ": " + failures.get(0), failures.get(0));
        while (server.spool().count() > 0) Thread.sleep(1);
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2_000); // let the disk settle before the next run
        return messages / seconds;
    }

    private static void send(int port, byte[] message, int count, int id) throws IOException {
        byte[] data = Arrays.copyOf(message, message.length + 3); // the message and its end, in one write
        System.arraycopy(".\r\n".getBytes(StandardCharsets.US_ASCII), 0, data, message.length, 3);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.setTcpNoDelay(true); // as MTAs do: no Nagle delay between a command and the next
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO client.senders.example.org", "250");
            for (int i = 0; i < count; i++) { // PIPELINING, as MTAs send
                out.write(("MAIL FROM:<" + SENDER + ">\r\nRCPT TO:<box" + (id * 1000 + i % 1000) + "@example.com>\r\nDATA\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, "250");
                expect(in, "250");
                expect(in, "354");
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
