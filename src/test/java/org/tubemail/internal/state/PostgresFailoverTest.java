package org.tubemail.internal.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL failover under load: two Tubemail servers share states on a primary with a streaming
 * standby ({@code pg_basebackup -R}), through a two-host JDBC URL with
 * {@code targetServerType=primary}. The primary crashes ({@code pg_ctl stop -m immediate}) while
 * mail is sent, and the standby is promoted a little later. The servers keep accepting (mail waits
 * in their spools), reconnect by themselves, and every accepted message is handled.
 */
class PostgresFailoverTest {

    private static final int MESSAGES = 400;
    private static final int CRASH_AT = 120;
    /** Messages accepted after the crash, before the promotion. */
    private static final int DURING_OUTAGE = 40;
    private static final int CLIENTS_PER_SERVER = 3;

    /** A stateful handler (each message moves its sender's state, under the key lock) that records what it handled. */
    public static class Counter {
        static final Map<Integer, AtomicInteger> HANDLED = new ConcurrentHashMap<>();

        @Route("load@(host)")
        public String START(MailRequest msg) {
            record(msg);
            return "COUNTING";
        }

        @RouteLike("START")
        public String COUNTING(MailRequest msg) {
            record(msg);
            return "START";
        }

        private static void record(MailRequest msg) {
            HANDLED.computeIfAbsent(Integer.parseInt(msg.header("X-Seq").orElseThrow().trim()), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @TempDir
    Path work;

    @Test
    void serversRideOutAPromotionAndLoseNoAcceptedMail() throws Exception {
        PgTestDb.assumeConfigured(); // the script's binaries are there: CI started the main cluster with it
        // not under @TempDir: the script hands each folder to the postgres user, who must reach it
        Path primary = java.nio.file.Files.createTempDirectory("tubemail-primary-");
        Path standby = java.nio.file.Files.createTempDirectory("tubemail-standby-");
        List<TubemailServer> servers = new ArrayList<>();
        try {
            Map<String, String> p = PostgresUnavailableTest.cluster("start", primary);
            Map<String, String> s = PostgresUnavailableTest.cluster("standby", standby, primary.toString());
            String url = "jdbc:postgresql://" + hostPort(p) + "," + hostPort(s) + "/tubemail?targetServerType=primary";
            for (int i = 0; i < 2; i++) {
                TubemailServer server = TubemailServer.configure(settings(work.resolve("server" + i), url, p));
                server.start();
                servers.add(server);
            }

            Set<Integer> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(2 * CLIENTS_PER_SERVER);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 2 * CLIENTS_PER_SERVER; c++) {
                int port = servers.get(c % 2).smtpPort();
                done.add(clients.submit(() -> {
                    int seq;
                    while ((seq = next.getAndIncrement()) < MESSAGES) {
                        while (!send(port, seq)) {
                            retries.incrementAndGet();
                            Thread.sleep(100);
                        }
                        accepted.add(seq);
                    }
                    return null;
                }));
            }
            awaitAccepted(accepted, CRASH_AT);
            PostgresUnavailableTest.cluster("crash", primary);
            awaitAccepted(accepted, accepted.size() + DURING_OUTAGE);
            Set<Integer> waiting = new java.util.HashSet<>(accepted);
            waiting.removeAll(Counter.HANDLED.keySet());
            PostgresUnavailableTest.cluster("promote", standby);
            long promoted = System.nanoTime();
            for (Future<?> f : done) {
                f.get();
            }
            clients.shutdown();

            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Counter.HANDLED.keySet().containsAll(accepted) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            long caughtUp = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - promoted);
            Set<Integer> lost = new java.util.TreeSet<>(accepted);
            lost.removeAll(Counter.HANDLED.keySet());
            long twice = Counter.HANDLED.values().stream().filter(n -> n.get() > 1).count();
            System.out.printf("PostgreSQL failover: sent %d, accepted %d (%d retries by clients), waiting in the spools at the "
                            + "promotion %d, handled %d (all by %d s after the promotion), lost %d, handled twice %d%n",
                    MESSAGES, accepted.size(), retries.get(), waiting.size(), Counter.HANDLED.size(), caughtUp, lost.size(), twice);
            assertTrue(waiting.size() > 0, "mail accepted while no primary was there waited in the spools");
            assertEquals(MESSAGES, accepted.size());
            assertEquals(Set.of(), lost, "accepted messages never handled");
            for (TubemailServer server : servers) {
                assertEquals(true, server.readiness().get("storage"), "reconnected to the promoted standby");
                assertEquals(0, server.spoolCount(), "nothing left in the spool");
            }
        } finally {
            for (TubemailServer server : servers) {
                server.stop(Duration.ofSeconds(5));
            }
            PostgresUnavailableTest.cluster("clean", primary);
            PostgresUnavailableTest.cluster("clean", standby);
        }
    }

    private static String hostPort(Map<String, String> env) {
        String url = env.get("TUBEMAIL_PG_URL"); // jdbc:postgresql://127.0.0.1:PORT/tubemail
        return url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
    }

    private static Settings settings(Path home, String url, Map<String, String> env) {
        return Settings.of("failover.properties", home, Map.ofEntries(Map.entry("storage.kind", "postgres"),
                Map.entry("storage.postgres.url", url), Map.entry("storage.postgres.user", env.get("TUBEMAIL_PG_USER")),
                Map.entry("storage.postgres.password", env.get("TUBEMAIL_PG_PASSWORD")),
                Map.entry("storage.postgres.connection.timeout.seconds", "2"), Map.entry("receiver.smtp.port", "0"),
                Map.entry("http.enabled", "false"), Map.entry("receiver.tls.enabled", "false"), Map.entry("receiver.workers", "4"),
                Map.entry("receiver.accepted.domains", "example.com"), Map.entry("route.default.host", "example\\.com"),
                Map.entry("handlers", Counter.class.getName())));
    }

    private static void awaitAccepted(Set<Integer> accepted, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (accepted.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** One message in one session; whether it got 250. */
    private static boolean send(int port, int seq) {
        try (SmtpClient c = new SmtpClient(port)) {
            c.begin("sender" + seq % 20 + "@example.org");
            if (!c.cmd("RCPT TO:<load@example.com>").startsWith("250") || !c.cmd("DATA").startsWith("354")) {
                return false;
            }
            boolean ok = c.cmd("X-Seq: " + seq + "\r\nSubject: failover " + seq + "\r\n\r\nbody\r\n.").startsWith("250");
            c.cmd("QUIT");
            return ok;
        } catch (IOException e) {
            return false;
        }
    }
}
