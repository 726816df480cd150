package org.tubemail.internal.queue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.mail.Envelope;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared spool on a real PostgreSQL: commit before return, per-sender order, leases, repeats dropped. */
class PostgresSpoolTest {

    private final List<PostgresSpool> open = new ArrayList<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Monitor counting = new Monitor() {
        @Override
        public void duplicateDropped(String firstKey) {
            duplicates.incrementAndGet();
        }
    };

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    @BeforeEach
    void empty() {
        spool(Duration.ofSeconds(30), Duration.ZERO).clear();
    }

    @AfterEach
    void close() {
        open.forEach(PostgresSpool::close);
    }

    private PostgresSpool spool(Duration lease, Duration dedup) {
        PostgresSpool s = new PostgresSpool(new PostgresSpool.Options(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, "test", 4,
                Duration.ofSeconds(5), lease, dedup), counting);
        open.add(s);
        return s;
    }

    static byte[] message(String from, String messageId, String body, String... rcpts) {
        String header = (messageId == null ? "" : "Message-ID: " + messageId + "\r\n") + "Subject: t\r\n\r\n" + body + "\r\n";
        return EnvelopeHeaders.wrap(new Envelope("127.0.0.1", from, List.of(rcpts)), "", header.getBytes(StandardCharsets.UTF_8));
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD);
    }

    @Test
    void aPushedMessageIsCommittedWithItsSenderAsOrderKey() throws Exception {
        PostgresSpool spool = spool(Duration.ofSeconds(30), Duration.ZERO);
        String key = spool.push(message("Bob@Example.ORG", null, "one", "a@example.com"));
        try (Connection c = db(); PreparedStatement st = c.prepareStatement("SELECT order_key, lease_owner FROM tubemail_spool WHERE id = ?")) {
            st.setLong(1, Long.parseLong(key));
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next(), "another connection sees the row as soon as push returned");
                assertEquals("bob@example.org", rs.getString(1));
                assertEquals(null, rs.getString(2));
            }
        }
    }

    @Test
    void aSendersNextMessageIsClaimedOnlyOnceItsPreviousIsRemoved() {
        PostgresSpool a = spool(Duration.ofSeconds(30), Duration.ZERO);
        PostgresSpool b = spool(Duration.ofSeconds(30), Duration.ZERO);
        String bob1 = a.push(message("bob@example.org", null, "bob 1", "x@example.com"));
        String bob2 = b.push(message("BOB@example.org", null, "bob 2", "x@example.com"));
        String eve1 = b.push(message("eve@example.org", null, "eve 1", "x@example.com"));
        String bounce1 = a.push(message("", null, "bounce 1", "x@example.com"));
        String bounce2 = a.push(message("", null, "bounce 2", "x@example.com"));

        assertEquals(bob1, b.claim().orElseThrow().key());
        assertEquals(Optional.empty(), a.claim(bob2), "bob's second waits for his first, on any server");
        assertEquals(eve1, a.claim().orElseThrow().key());
        assertEquals(bounce1, b.claim().orElseThrow().key());
        assertEquals(bounce2, a.claim().orElseThrow().key(), "bounces have no order");
        assertEquals(Optional.empty(), a.claim());
        assertTrue(b.remove(bob1));
        byte[] pushed = message("bob@example.org", null, "bob 2", "x@example.com");
        MessageQueue.QueuedMessage next = a.claim(bob2, pushed).orElseThrow();
        assertEquals(bob2, next.key());
        assertArrayEquals(pushed, next.message());
        assertEquals(List.of(bob2, eve1, bounce1, bounce2), a.keys());
    }

    @Test
    void pushesAndRemovalsOnTwoSpoolsAtOnceLeaveNoMessageStuckAndKeepEachSendersOrder() throws Exception {
        PostgresSpool a = spool(Duration.ofSeconds(30), Duration.ZERO);
        PostgresSpool b = spool(Duration.ofSeconds(30), Duration.ZERO);
        int perPusher = 100;
        int pushers = 4;
        java.util.Map<String, List<Long>> routed = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger pushing = new AtomicInteger(pushers);
        AtomicInteger taken = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(pushers + 4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < pushers; p++) {
                PostgresSpool spool = p % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perPusher; i += 2) {
                        spool.pushAll(List.of(message("s" + (i % 5) + "@example.org", null, "x", "x@example.com"),
                                message("s" + ((i + 1) % 5) + "@example.org", null, "x", "x@example.com")));
                    }
                    return pushing.decrementAndGet();
                }));
            }
            for (int w = 0; w < 4; w++) {
                PostgresSpool spool = w % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    while (pushing.get() > 0 || spool.count() > 0) {
                        Optional<MessageQueue.QueuedMessage> m = spool.claim();
                        if (m.isEmpty()) {
                            Thread.sleep(5);
                            continue;
                        }
                        String sender = EnvelopeHeaders.envelope(m.get().message()).orElseThrow().mailFrom();
                        routed.computeIfAbsent(sender, k -> new CopyOnWriteArrayList<>()).add(Long.parseLong(m.get().key()));
                        assertTrue(spool.remove(m.get().key()));
                        taken.incrementAndGet();
                    }
                    return 0;
                }));
            }
            for (Future<?> f : done) {
                f.get(3, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdown();
        }
        int outOfOrder = 0;
        for (List<Long> ids : routed.values()) {
            for (int i = 1; i < ids.size(); i++) {
                outOfOrder += ids.get(i) < ids.get(i - 1) ? 1 : 0;
            }
        }
        System.out.printf("spool stress: pushed %d, routed %d, left %d, out of order %d%n", pushers * perPusher, taken.get(), a.count(), outOfOrder);
        assertEquals(pushers * perPusher, taken.get());
        assertEquals(0, a.count());
        assertEquals(0, outOfOrder);
    }

    @Test
    void aDeadServersClaimIsTakenOverOnceItsLeaseRunsOut() throws Exception {
        PostgresSpool live = spool(Duration.ofSeconds(30), Duration.ZERO);
        String first = live.push(message("bob@example.org", null, "1", "x@example.com"));
        live.push(message("bob@example.org", null, "2", "x@example.com"));
        try (Connection c = db(); PreparedStatement st = c.prepareStatement(
                "UPDATE tubemail_spool SET lease_owner = 'dead/1', lease_until = now() + interval '2 seconds', attempts = 1 WHERE id = ?")) {
            st.setLong(1, Long.parseLong(first));
            assertEquals(1, st.executeUpdate());
        }
        assertEquals(Optional.empty(), live.claim(), "held by the dead server's lease, and the second waits behind it");
        Optional<MessageQueue.QueuedMessage> taken = Optional.empty();
        for (int i = 0; i < 300 && taken.isEmpty(); i++) {
            Thread.sleep(100);
            taken = live.claim();
        }
        assertEquals(first, taken.orElseThrow().key(), "the oldest message comes first after the lease");
        try (Connection c = db(); PreparedStatement st = c.prepareStatement("SELECT lease_owner, attempts FROM tubemail_spool WHERE id = ?")) {
            st.setLong(1, Long.parseLong(first));
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(live.owner(), rs.getString(1));
                assertEquals(2, rs.getInt(2));
            }
        }
    }

    @Test
    void aServerThatLostItsLeaseLeavesTheMessageToTheServerThatTookItOver() throws Exception {
        PostgresSpool stalled = spool(Duration.ofSeconds(30), Duration.ZERO);
        PostgresSpool other = spool(Duration.ofSeconds(30), Duration.ZERO);
        String first = stalled.push(message("bob@example.org", null, "1", "x@example.com"));
        String second = stalled.push(message("bob@example.org", null, "2", "x@example.com"));
        assertEquals(first, stalled.claim().orElseThrow().key());
        try (Connection c = db(); PreparedStatement st = c.prepareStatement("UPDATE tubemail_spool SET lease_until = now() - interval '1 second'")) {
            st.executeUpdate(); // as if the stalled server's renewals had stopped past its lease
        }
        assertEquals(first, other.claim().orElseThrow().key());
        assertFalse(stalled.remove(first), "not the stalled server's to remove any more");
        assertEquals(Optional.empty(), other.claim(), "the second still waits for the first's second run");
        assertTrue(other.remove(first));
        assertEquals(second, other.claim().orElseThrow().key());
    }

    @Test
    void aLiveServerRenewsItsLeasesAndHandsThemBackWhenClosed() throws Exception {
        PostgresSpool holder = spool(Duration.ofMillis(400), Duration.ZERO);
        PostgresSpool other = spool(Duration.ofMillis(400), Duration.ZERO);
        String key = holder.push(message("bob@example.org", null, "1", "x@example.com"));
        assertEquals(key, holder.claim().orElseThrow().key());
        for (int i = 0; i < 10; i++) {
            Thread.sleep(200);
            assertEquals(Optional.empty(), other.claim(), "renewed every third of the lease, so never taken over");
        }
        holder.close();
        open.remove(holder);
        assertEquals(key, other.claim().orElseThrow().key(), "handed back at close, without waiting for the lease");
    }

    @Test
    void aMessageAcceptedAgainWithinTheWindowIsStoredOnce() {
        PostgresSpool a = spool(Duration.ofSeconds(30), Duration.ofMinutes(10));
        PostgresSpool b = spool(Duration.ofSeconds(30), Duration.ofMinutes(10));
        String first = a.push(message("bob@example.org", "<m1@example.org>", "hello", "x@example.com", "y@example.com"));
        String again = b.push(message("Bob@example.org", "<m1@example.org>", "hello", "Y@example.com", "x@example.com"));
        assertEquals(DeduplicatingQueue.DUPLICATE_PREFIX + first, again);
        assertEquals(Optional.empty(), b.claim(again));
        String otherRecipients = b.push(message("bob@example.org", "<m1@example.org>", "hello", "x@example.com"));
        String noId = a.push(message("bob@example.org", null, "hello", "x@example.com"));
        String noId2 = a.push(message("bob@example.org", null, "hello", "x@example.com"));
        List<String> batch = a.pushAll(List.of(message("eve@example.org", "<m2@example.org>", "b", "x@example.com"),
                message("eve@example.org", "<m2@example.org>", "b", "x@example.com")));
        assertEquals(DeduplicatingQueue.DUPLICATE_PREFIX + batch.get(0), batch.get(1), "a repeat within one batch too");
        assertEquals(List.of(first, otherRecipients, noId, noId2, batch.get(0)), a.keys());
        assertEquals(2, duplicates.get());
    }

    @Test
    void theSameMessageAcceptedByTwoServersAtOnceIsStoredOnce() throws Exception {
        PostgresSpool a = spool(Duration.ofSeconds(30), Duration.ofMinutes(10));
        PostgresSpool b = spool(Duration.ofSeconds(30), Duration.ofMinutes(10));
        int messages = 100;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> keys = new CopyOnWriteArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                byte[] m = message("bob" + i + "@example.org", "<race-" + i + "@example.org>", "x", "x@example.com");
                CountDownLatch go = new CountDownLatch(1);
                done.add(pool.submit(() -> {
                    go.await();
                    return keys.add(a.push(m));
                }));
                done.add(pool.submit(() -> {
                    go.await();
                    return keys.add(b.push(m));
                }));
                go.countDown();
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long stored = keys.stream().filter(k -> !k.startsWith(DeduplicatingQueue.DUPLICATE_PREFIX)).count();
        System.out.printf("dedup race: %d pushes, %d stored, %d dropped%n", keys.size(), stored, duplicates.get());
        assertEquals(messages, stored);
        assertEquals(messages, a.count());
        assertEquals(messages, duplicates.get());
    }

    @Test
    void anExpiredWindowNoLongerDrops() throws Exception {
        PostgresSpool a = spool(Duration.ofSeconds(30), Duration.ofMillis(300));
        a.push(message("bob@example.org", "<m1@example.org>", "hello", "x@example.com"));
        Thread.sleep(600);
        assertFalse(a.push(message("bob@example.org", "<m1@example.org>", "hello", "x@example.com")).startsWith("dup-"));
        assertEquals(2, a.count());
    }
}
