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

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Tubemail servers, each its own JVM, on one PostgreSQL with the shared spool
 * ({@code queue.spool.kind=postgres}) and PostgreSQL states. Senders wait for each {@code 250} and
 * spread their messages over both servers; a stateful handler logs {@code sender:n} to one file
 * both servers append to. Asserts every accepted message handled, none out of its sender's order,
 * a message sent to both servers handled once, and a server killed with SIGKILL (its {@code run/}
 * deleted) losing nothing: the other routes its messages once their leases run out. Prints the counts.
 */
class SharedSpoolTest {

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();
    private final int[] ports = new int[2];
    private Path log;

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    @BeforeEach
    void cleanDatabase() {
        try (PostgresSpool spool = spool(); PostgresStorage states = PgTestDb.open()) {
            spool.clear();
            states.clear();
        }
        log = dir.resolve("handled.log");
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static PostgresSpool spool() {
        return new PostgresSpool(new PostgresSpool.Options(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, "test", 2,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO), Monitor.NONE);
    }

    private Process start(int n, int handlerMillis) throws Exception {
        Path home = dir.resolve("server" + n);
        if (ports[n] == 0) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[n] = s.getLocalPort();
            }
        }
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=" + ports[n], "http.enabled=false", "receiver.accepted.domains=example.com",
                "route.default.host=example\\\\.com", "handlers=" + RecordingHandler.class.getName(), "receiver.workers=4",
                "storage.kind=postgres", "storage.postgres.url=" + PgTestDb.URL, "storage.postgres.user=" + PgTestDb.USER,
                "storage.postgres.password=" + PgTestDb.PASSWORD, "queue.spool.kind=postgres", "queue.spool.lease.seconds=3", ""));
        Process p = ChildServer.start(home, ports[n], log, handlerMillis);
        servers.add(p);
        return p;
    }

    private static boolean send(int port, String sender, String seq, String messageId) {
        return HandledLog.send("127.0.0.1", port, sender, seq, messageId);
    }

    private List<String> handled() throws IOException {
        return HandledLog.lines(log);
    }

    private void awaitHandled(Set<String> accepted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!new HashSet<>(handled()).containsAll(accepted) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        try (PostgresSpool spool = spool()) {
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (spool.count() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200); // what is left after every message was handled once is a repeat being routed
            }
        }
    }

    @Test
    void sendersSpreadOverTwoServersKeepTheirOrderAndARepeatIsRoutedOnce() throws Exception {
        start(0, 20);
        start(1, 20);
        int senders = 40;
        int each = 8;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            done.add(clients.submit(() -> {
                for (int i = 0; i < each; i++) {
                    String seq = "s" + sender + "@example.org:" + i;
                    while (!send(ports[(sender + i) % 2], "s" + sender + "@example.org", seq, "m" + sender + "." + i + "@example.org")) {
                        refused.incrementAndGet();
                    }
                    accepted.add(seq);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(3, TimeUnit.MINUTES);
        }
        int repeatsSent = 20;
        for (int i = 0; i < repeatsSent; i++) { // the same message to both servers, as a client retrying elsewhere would
            String seq = "d" + i + "@example.org:0";
            assertTrue(send(ports[0], "d" + i + "@example.org", seq, "dup" + i + "@example.org"));
            assertTrue(send(ports[1], "d" + i + "@example.org", seq, "dup" + i + "@example.org"));
            accepted.add(seq);
        }
        clients.shutdown();
        awaitHandled(accepted);
        List<String> lines = handled();
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(lines);
        HandledLog.Order order = HandledLog.Order.of(lines);
        long dupHandled = lines.stream().filter(l -> l.startsWith("d")).count();
        System.out.printf("shared spool, 2 servers: senders %d, accepted %d (+%d sent twice), refused attempts %d, handled %d, lost %d, "
                        + "order violations %d in %d senders, repeats %d, repeated message handled %d times for %d%n",
                senders, accepted.size(), repeatsSent, refused.get(), lines.size(), lost.size(), order.violations(), order.violating().size(),
                order.repeats(), dupHandled, repeatsSent);
        assertEquals(Set.of(), lost);
        assertEquals(0, order.violations(), "order violations: " + order.violating());
        assertEquals(repeatsSent, dupHandled, "a message accepted by both servers is handled once");
        assertEquals(0, order.repeats());
    }

    @Test
    void aKilledServersMessagesAreRoutedByTheOtherAfterItsLeases() throws Exception {
        Process victim = start(0, 100);
        start(1, 100);
        int senders = 15;
        int each = 10;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> acceptedByVictim = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(senders);
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            done.add(clients.submit(() -> {
                for (int i = 0; i < each; i++) {
                    String seq = "k" + sender + "@example.org:" + i;
                    int port = 0;
                    // to the first server while it lives, then to the other, as a client retrying its second MX would
                    while (!send(ports[port], "k" + sender + "@example.org", seq, "k" + sender + "." + i + "@example.org")) {
                        failed.incrementAndGet();
                        port = 1;
                    }
                    accepted.add(seq);
                    if (port == 0) {
                        acceptedByVictim.add(seq);
                    }
                }
                return null;
            }));
        }
        while (accepted.size() < senders * each / 2) {
            Thread.sleep(20);
        }
        victim.destroyForcibly(); // SIGKILL
        victim.waitFor(30, TimeUnit.SECONDS);
        deleteTree(dir.resolve("server0/run")); // its disk is gone too
        int atKill = acceptedByVictim.size();
        for (Future<?> f : done) {
            f.get(3, TimeUnit.MINUTES);
        }
        clients.shutdown();
        awaitHandled(accepted);
        List<String> lines = handled();
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(lines);
        HandledLog.Order order = HandledLog.Order.of(lines);
        System.out.printf("shared spool, kill -9 + run/ deleted: accepted %d (%d by the killed server), failed attempts %d, handled %d, "
                        + "lost %d, order violations %d, handled again (at least once) %d%n",
                accepted.size(), atKill, failed.get(), lines.size(), lost.size(), order.violations(), order.repeats());
        assertEquals(Set.of(), lost);
        assertEquals(0, order.violations(), "order violations: " + order.violating());
        assertTrue(atKill > 0, "the killed server had accepted mail");
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
