package org.tubemail.internal.crash;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.PostgresSpool;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.internal.state.PostgresStorage;
import org.tubemail.support.RealParts;
import org.tubemail.support.Shell;

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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Tubemail JVMs behind a real HAProxy ({@code send-proxy-v2}, round robin) on one PostgreSQL
 * (states and the shared spool, de-duplication on). Senders, each from its own 127/8 address, wait
 * for each {@code 250} and retry what failed. Under load one server is killed with SIGKILL and
 * restarted, a second is killed, its {@code run/} deleted, and restarted, the third is stopped
 * (SIGTERM, which drains it) and restarted. Asserts 0 lost, 0 order violations per sender, repeats only from the
 * kills (at most the killed servers' routing threads), and each message's client address exact. A second
 * test restarts all three, one after another, by drains behind HAProxy's HTTP check on {@code /health/ready}
 * (the README's configuration): 0 lost, 0 refused for good, 0 order violations, 0 routed twice.
 */
class ClusterTest {

    private static final int SERVERS = 3;
    private static final int WORKERS = 4;

    @TempDir
    Path dir;

    private final Process[] servers = new Process[SERVERS];
    private final int[] ports = new int[SERVERS];
    /** Each server's HTTP port for the health check; 0: no HTTP listener. */
    private final int[] httpPorts = new int[SERVERS];
    private Process haproxy;
    private Path log;

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    @BeforeEach
    void cleanDatabase() {
        try (PostgresSpool spool = new PostgresSpool(new PostgresSpool.Options(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, "test", 2,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO), Monitor.NONE); PostgresStorage states = PgTestDb.open()) {
            spool.clear();
            states.clear();
        }
        log = dir.resolve("handled.log");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : servers) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (haproxy != null) {
            haproxy.destroyForcibly();
        }
    }

    private void start(int n) throws Exception {
        Path home = dir.resolve("server" + n);
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=" + ports[n], httpPorts[n] == 0 ? "http.enabled=false"
                        : "http.port=" + httpPorts[n] + "\ndrain.delay.seconds=2\ndrain.timeout.seconds=30", "receiver.accepted.domains=example.com",
                "route.default.host=example\\\\.com", "handlers=" + RecordingHandler.class.getName(), "receiver.workers=" + WORKERS,
                "receiver.proxy.protocol=on", "receiver.proxy.trusted=127.0.0.1/32",
                "storage.kind=postgres", "storage.postgres.url=" + PgTestDb.URL, "storage.postgres.user=" + PgTestDb.USER,
                "storage.postgres.password=" + PgTestDb.PASSWORD, "queue.spool.kind=postgres", "queue.spool.lease.seconds=3", ""));
        servers[n] = ChildServer.start(home, ports[n], log, 20, true);
    }

    /**
     * Starts HAProxy before the servers, round robin with the PROXY header; with HTTP ports, each
     * server is checked as the README says ({@code option httpchk GET /health/ready}), else by a TCP connection.
     */
    private int startHaproxy() throws Exception {
        Path program = RealParts.require("haproxy", "haproxy");
        int port = Shell.freePort();
        StringBuilder config = new StringBuilder("""
                global
                    maxconn 500
                defaults
                    mode tcp
                    retries 3
                    option redispatch
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                frontend mx
                    bind 127.0.0.1:%d
                    default_backend tubemail
                backend tubemail
                    balance roundrobin
                """.formatted(port));
        if (httpPorts[0] != 0) {
            config.append("    option httpchk GET /health/ready\n    http-check expect status 200\n");
        }
        for (int n = 0; n < SERVERS; n++) {
            config.append("    server t").append(n).append(" 127.0.0.1:").append(ports[n])
                    .append(" send-proxy-v2 check inter 500ms fall 1 rise 2")
                    .append(httpPorts[n] == 0 ? "" : " port " + httpPorts[n]).append('\n');
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        haproxy = new ProcessBuilder(program.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException e) {
                assertTrue(haproxy.isAlive(), () -> "haproxy exited: " + read(dir.resolve("haproxy.log")));
                assertTrue(System.nanoTime() < deadline, "haproxy did not listen");
                Thread.sleep(50);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void threeServersBehindHaproxyLoseNothingAndKeepOrderThroughKillsAndARestart() throws Exception {
        for (int n = 0; n < SERVERS; n++) {
            ports[n] = Shell.freePort();
            start(n);
        }
        int mx = startHaproxy();
        int senders = 30;
        int each = 20;
        int total = senders * each;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Map<String, String> sourceOf = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(senders);
        List<Future<?>> done = senders(clients, senders, "c", 3, sourceOf, (sender, source) -> {
            for (int i = 0; i < each; i++) {
                String seq = sender + ":" + i;
                while (!HandledLog.send(source, mx, sender, seq, sender + "." + i)) {
                    failed.incrementAndGet();
                    Thread.sleep(200); // a retrying client
                }
                accepted.add(seq);
            }
        });
        awaitAccepted(accepted, total / 4);
        servers[0].destroyForcibly(); // kill -9, restarted on its disk
        servers[0].waitFor(30, TimeUnit.SECONDS);
        start(0);
        awaitAccepted(accepted, total / 2);
        servers[1].destroyForcibly(); // kill -9, and its disk is gone
        servers[1].waitFor(30, TimeUnit.SECONDS);
        deleteTree(dir.resolve("server1/run"));
        start(1);
        awaitAccepted(accepted, total * 3 / 4);
        servers[2].destroy(); // SIGTERM: a drain (readiness 503, 421 4.3.2 to new clients, open sessions finish), then a stop that hands its claims back
        assertTrue(servers[2].waitFor(60, TimeUnit.SECONDS), "graceful stop");
        start(2);
        Outcome o = outcome(clients, done, accepted, sourceOf);
        System.out.printf("cluster, 3 servers behind haproxy: sent %d, accepted %d, failed attempts %d, handled %d, lost %d, "
                        + "order violations %d, handled again %d, wrong client address %d%n",
                total, accepted.size(), failed.get(), o.handled(), o.lost().size(), o.order().violations(), o.order().repeats(), o.wrongPeer());
        assertEquals(Set.of(), o.lost());
        assertEquals(0, o.order().violations(), "order violations: " + o.order().violating());
        assertTrue(o.order().repeats() <= 2 * WORKERS, "only a killed server's messages in routing may be routed again: " + o.order().repeats());
        assertEquals(0, o.wrongPeer(), "client addresses through the PROXY header");
    }

    @Test
    void aRollingRestartByDrainsBehindHaproxysHealthCheckLosesNothingAndRefusesNothingForGood() throws Exception {
        for (int n = 0; n < SERVERS; n++) {
            ports[n] = Shell.freePort();
            httpPorts[n] = Shell.freePort();
            start(n);
        }
        int mx = startHaproxy();
        int senders = 30;
        AtomicBoolean restarting = new AtomicBoolean(true);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Map<String, String> sourceOf = new ConcurrentHashMap<>();
        AtomicInteger temporary = new AtomicInteger();
        AtomicInteger permanent = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(senders);
        List<Future<?>> done = senders(clients, senders, "r", 4, sourceOf, (sender, source) -> {
            for (int i = 0; restarting.get() || i < 5; i++) {
                String seq = sender + ":" + i;
                String reply;
                while (!(reply = HandledLog.reply(source, mx, sender, seq, sender + "." + i)).startsWith("250")) {
                    if (reply.startsWith("5")) {
                        permanent.incrementAndGet();
                        return; // refused for good: this sender stops, the test fails
                    }
                    temporary.incrementAndGet();
                    Thread.sleep(200); // a retrying client
                }
                accepted.add(seq);
            }
        });
        awaitAccepted(accepted, 100);
        for (int n = 0; n < SERVERS; n++) {
            int before = accepted.size();
            servers[n].destroy(); // SIGTERM: readiness 503, HAProxy takes it out, then 421 4.3.2, sessions and routing finish
            assertTrue(servers[n].waitFor(90, TimeUnit.SECONDS), "server " + n + " drained and exited");
            start(n);
            awaitReady(httpPorts[n]);
            awaitAccepted(accepted, before + 60); // the mail goes on while each server is away and back
        }
        restarting.set(false);
        Outcome o = outcome(clients, done, accepted, sourceOf);
        System.out.printf("cluster, rolling restart of 3 servers by drains behind haproxy: accepted %d, temporary refusals %d, "
                        + "permanent %d, handled %d, lost %d, order violations %d, handled again %d, wrong client address %d%n",
                accepted.size(), temporary.get(), permanent.get(), o.handled(), o.lost().size(), o.order().violations(),
                o.order().repeats(), o.wrongPeer());
        assertEquals(0, permanent.get(), "refused for good");
        assertEquals(Set.of(), o.lost());
        assertEquals(0, o.order().violations(), "order violations: " + o.order().violating());
        assertEquals(0, o.order().repeats(), "a drained server finishes or hands back what it claimed: nothing is routed twice");
        assertEquals(0, o.wrongPeer(), "client addresses through the PROXY header");
    }

    /** One sender's client: its address and the 127/8 address it sends from. */
    @FunctionalInterface
    private interface Sender {
        void send(String sender, String source) throws Exception;
    }

    /** Starts {@code count} senders, {@code NAME<i>@example.org} from 127.0.{@code net}.{@code i + 2}, each on its own thread. */
    private static List<Future<?>> senders(ExecutorService pool, int count, String name, int net, Map<String, String> sourceOf,
                                           Sender client) {
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            String sender = name + s + "@example.org";
            String source = "127.0." + net + "." + (s + 2);
            sourceOf.put(sender, source);
            done.add(pool.submit(() -> {
                client.send(sender, source);
                return null;
            }));
        }
        return done;
    }

    /** What the servers' handlers logged against what was accepted. */
    private record Outcome(int handled, Set<String> lost, HandledLog.Order order, int wrongPeer) {
    }

    /** Waits for the senders, then (2 minutes at most) until every accepted message was handled, and reads the log. */
    private Outcome outcome(ExecutorService clients, List<Future<?>> senders, Set<String> accepted, Map<String, String> sourceOf)
            throws Exception {
        for (Future<?> f : senders) {
            f.get(3, TimeUnit.MINUTES);
        }
        clients.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!handledSeqs().containsAll(accepted) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(2_000); // a repeat still being routed
        List<String> lines = HandledLog.lines(log);
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(handledSeqs());
        int wrongPeer = 0;
        for (String line : lines) {
            String seq = HandledLog.seq(line);
            String peer = line.substring(line.indexOf(' ') + 1);
            if (!peer.startsWith(sourceOf.get(seq.substring(0, seq.lastIndexOf(':'))) + ":")) { // address:port
                wrongPeer++;
            }
        }
        return new Outcome(lines.size(), lost, HandledLog.Order.of(lines), wrongPeer);
    }

    /** Waits until the server's {@code /health/ready} answers 200. */
    private static void awaitReady(int httpPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < deadline, "server on HTTP port " + httpPort + " not ready within 60 s");
            Thread.sleep(100);
        }
    }

    private Set<String> handledSeqs() throws IOException {
        Set<String> out = new HashSet<>();
        HandledLog.lines(log).forEach(l -> out.add(HandledLog.seq(l)));
        return out;
    }

    private static void awaitAccepted(Set<String> accepted, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (accepted.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
