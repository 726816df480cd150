package org.tubemail.internal.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.config.Settings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.RealParts;
import org.tubemail.support.Shell;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's HAProxy configuration with a real HAProxy in front of two servers: while clients
 * send through it, one server drains; HAProxy's HTTP check on {@code /health/ready} takes it out
 * of rotation, the other takes the mail, nothing is refused for good and every accepted message is
 * handled.
 */
class HaproxyDrainTest {

    /** Records each message's {@code X-Seq}. */
    public static class Recorder {
        static final Set<Integer> HANDLED = ConcurrentHashMap.newKeySet();

        @Stateless
        @Route("load@(host)")
        public void record(MailRequest msg) {
            HANDLED.add(Integer.parseInt(msg.header("X-Seq").orElseThrow().trim()));
        }
    }

    @TempDir
    Path dir;

    private final List<TubemailServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process haproxy;

    @AfterEach
    void stop() {
        if (haproxy != null) {
            haproxy.destroy();
        }
        servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    }

    private TubemailServer server(String name, int httpPort) throws IOException {
        Path home = dir.resolve(name);
        TubemailServer s = TubemailServer.configure(Settings.of(name + ".properties", home, Map.ofEntries(
                Map.entry("storage.kind", "memory"), Map.entry("receiver.smtp.port", "0"), Map.entry("http.port", String.valueOf(httpPort)),
                Map.entry("receiver.tls.enabled", "false"), Map.entry("receiver.proxy.protocol", "on"),
                Map.entry("receiver.accepted.domains", "example.com"), Map.entry("route.default.host", "example\\.com"),
                Map.entry("handlers", Recorder.class.getName()), Map.entry("receiver.workers", "4"),
                Map.entry("drain.delay.seconds", "4"), Map.entry("drain.timeout.seconds", "60"))));
        s.start();
        servers.add(s);
        return s;
    }

    /** HAProxy's view of a server of backend {@code tubemail_smtp}: UP, DOWN, ... (from its CSV statistics). */
    private String status(int statsPort, String server) throws Exception {
        String csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            if (f.length > 17 && f[0].equals("tubemail_smtp") && f[1].equals(server)) {
                return f[17];
            }
        }
        return "?";
    }

    private void awaitStatus(int statsPort, String server, String wanted) throws Exception {
        String now = status(statsPort, server);
        for (int i = 0; i < 1200 && !now.startsWith(wanted); i++) {
            Thread.sleep(50);
            now = status(statsPort, server);
        }
        assertTrue(now.startsWith(wanted), server + " is " + now + ", expected " + wanted);
    }

    @Test
    void aDrainingServerLeavesTheRotationAndNoMailIsRefusedForGood() throws Exception {
        Path program = RealParts.require("haproxy", "haproxy");
        int httpA = Shell.freePort();
        int httpB = Shell.freePort();
        TubemailServer a = server("a", httpA);
        TubemailServer b = server("b", httpB);
        int front = Shell.freePort();
        int stats = Shell.freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                defaults
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend smtp
                    mode tcp
                    bind 127.0.0.1:%d
                    default_backend tubemail_smtp
                backend tubemail_smtp
                    mode tcp
                    option httpchk GET /health/ready
                    http-check expect status 200
                    default-server inter 1s fall 2 rise 2 send-proxy-v2
                    server mx1 127.0.0.1:%d check port %d
                    server mx2 127.0.0.1:%d check port %d
                listen stats
                    mode http
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(front, a.smtpPort(), httpA, b.smtpPort(), httpB, stats));
        haproxy = new ProcessBuilder(program.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        for (int i = 0; i < 200; i++) {
            try {
                new Socket("127.0.0.1", stats).close();
                break;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        awaitStatus(stats, "mx1", "UP");
        awaitStatus(stats, "mx2", "UP");

        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger temporary = new AtomicInteger();
        AtomicInteger permanent = new AtomicInteger();
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            done.add(clients.submit(() -> {
                while (sending.get()) {
                    int seq = next.getAndIncrement();
                    String reply;
                    while (!(reply = send(front, seq)).startsWith("250")) {
                        (reply.startsWith("5") ? permanent : temporary).incrementAndGet();
                        if (reply.startsWith("5")) {
                            break;
                        }
                        Thread.sleep(100);
                    }
                    if (reply.startsWith("250")) {
                        accepted.add(seq);
                    }
                }
                return null;
            }));
        }
        long sendingFor = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (accepted.size() < 50) {
            assertTrue(System.nanoTime() < sendingFor, "only " + accepted.size() + " of 50 accepted in 2 minutes; "
                    + temporary.get() + " temporary and " + permanent.get() + " permanent refusals");
            Thread.sleep(20);
        }
        CompletableFuture<Void> drained = CompletableFuture.runAsync(a::drain);
        awaitStatus(stats, "mx1", "DOWN");
        int atDown = accepted.size();
        sendingFor = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (accepted.size() < atDown + 50) {
            assertTrue(System.nanoTime() < sendingFor, "only " + (accepted.size() - atDown) + " of 50 accepted by the other server in 2 minutes; "
                    + temporary.get() + " temporary and " + permanent.get() + " permanent refusals");
            Thread.sleep(20);
        }
        sending.set(false);
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();
        drained.get(120, TimeUnit.SECONDS);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Recorder.HANDLED.containsAll(accepted) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Set<Integer> lost = new java.util.TreeSet<>(accepted);
        lost.removeAll(Recorder.HANDLED);
        System.out.printf("HAProxy drain: accepted %d, temporary refusals %d, permanent %d, lost %d%n", accepted.size(),
                temporary.get(), permanent.get(), lost.size());
        assertEquals(0, permanent.get(), "no permanent refusal");
        assertEquals(Set.of(), lost, "accepted but never handled");
        assertEquals(false, a.readiness().get("accepting"));
        assertEquals(0, a.spoolCount(), "the drained server routed what it accepted");
    }

    /** One message through HAProxy; the reply to DATA, or the first refusal. */
    private static String send(int port, int seq) {
        try (SmtpClient c = new SmtpClient(port)) {
            String greeting = c.reply();
            if (!greeting.startsWith("220")) {
                return greeting;
            }
            c.cmd("HELO client");
            String r = c.cmd("MAIL FROM:<sender" + seq % 10 + "@example.org>");
            if (r.startsWith("250")) {
                r = c.cmd("RCPT TO:<load@example.com>");
            }
            if (r.startsWith("250")) {
                r = c.cmd("DATA");
            }
            if (r.startsWith("354")) {
                r = c.cmd("X-Seq: " + seq + "\r\nSubject: through haproxy\r\n\r\nbody\r\n.");
            }
            c.cmd("QUIT");
            return r;
        } catch (IOException e) {
            return "4xx " + e; // a dropped connection: the client tries again
        }
    }
}
