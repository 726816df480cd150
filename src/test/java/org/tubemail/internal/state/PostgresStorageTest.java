package org.tubemail.internal.state;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.RecipientResult;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.pg.Migrations;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestMail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage contract, the schema migrations and the cross-session key lock, on a real PostgreSQL. */
class PostgresStorageTest extends StateStorageContract {

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    @Override
    protected StateStorage open() {
        return PgTestDb.open();
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void schemaIsMigratedOnceAndRecorded() throws Exception {
        try (Connection c = DriverManager.getConnection(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD)) {
            assertEquals(List.of(), Migrations.migrate(c), "already current after open()");
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version, description FROM tubemail_schema_version ORDER BY version")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertEquals("states", rs.getString(2));
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
                assertEquals("confirmations", rs.getString(2));
                assertTrue(rs.next());
                assertEquals(3, rs.getInt(1));
                assertEquals("auto_replies", rs.getString(2));
                assertTrue(rs.next());
                assertEquals(4, rs.getInt(1));
                assertEquals("greylist", rs.getString(2));
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1));
                assertEquals("spool", rs.getString(2));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void refusesASchemaNewerThanItKnows() throws Exception {
        try (Connection c = DriverManager.getConnection(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO tubemail_schema_version (version, description) VALUES (99, 'future')");
            try {
                StateStorageUnavailableException e = assertThrows(StateStorageUnavailableException.class, PgTestDb::open);
                long known = new String(PostgresStorageTest.class.getResourceAsStream("/db/migration/index.txt").readAllBytes())
                        .lines().filter(l -> !l.isBlank()).count();
                assertTrue(e.getMessage().contains("schema is at version 99, newer than this Tubemail knows (" + known + ")"),
                        e.getMessage());
            } finally {
                st.execute("DELETE FROM tubemail_schema_version WHERE version = 99");
            }
        }
    }

    @Test
    void startDeletesTheRow() throws Exception {
        storage.set("mod", "k", "ONE");
        assertEquals(1, rows());
        storage.set("mod", "k", StateStorage.START);
        assertEquals(0, rows());
    }

    private static int rows() throws Exception {
        try (Connection c = DriverManager.getConnection(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM tubemail_state")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Blocks messages from slow@ until released; counts entries per sender. */
    public static final class Gate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger slowEntries = new AtomicInteger();

        @Route("gate@(host)")
        public String START(MailRequest mail) throws InterruptedException {
            if (mail.from().startsWith("slow@")) {
                slowEntries.incrementAndGet();
                entered.countDown();
                assertTrue(release.await(20, TimeUnit.SECONDS), "never released");
            }
            return null;
        }
    }

    private static Router router(StateStorage s, Gate gate) {
        return Router.builder().storage(s).defaultCapture("host", "example\\.com").handlers(gate).build();
    }

    private static DeliveryReport send(Router r, String from) {
        return r.deliver(TestMail.from(from).to("gate@example.com").build());
    }

    @Test
    void oneKeyIsExclusiveAcrossSessionsOtherKeysRunInParallel() throws Exception {
        Gate gate = new Gate();
        try (StateStorage second = PgTestDb.open()) {
            // Two storages are two pools, hence two database sessions: as apart as two servers.
            Router one = router(storage, gate);
            Router two = router(second, gate);
            CompletableFuture<DeliveryReport> slow = CompletableFuture.supplyAsync(() -> send(one, "slow@example.org"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS), "slow message never reached its handler");

            long t0 = System.nanoTime();
            assertEquals(RecipientResult.Status.HANDLED, send(two, "fast@example.org").results().get(0).status());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "another key waited for the held one");

            CompletableFuture<DeliveryReport> sameKey = CompletableFuture.supplyAsync(() -> send(two, "slow@example.org"));
            Thread.sleep(500);
            assertFalse(sameKey.isDone(), "the same key ran on the other server while held");
            assertEquals(1, gate.slowEntries.get());

            gate.release.countDown();
            assertEquals(RecipientResult.Status.HANDLED, slow.get(10, TimeUnit.SECONDS).results().get(0).status());
            assertEquals(RecipientResult.Status.HANDLED, sameKey.get(10, TimeUnit.SECONDS).results().get(0).status());
            assertEquals(2, gate.slowEntries.get());
        }
    }

    @Test
    void keyLockIsReleasedWhenWorkThrows() throws Exception {
        try (StateStorage second = PgTestDb.open()) {
            RuntimeException boom = new IllegalStateException("boom");
            try {
                storage.withKeyLock("mod", "k", () -> {
                    throw boom;
                });
            } catch (IllegalStateException e) {
                assertEquals(boom, e);
            }
            String got = CompletableFuture.supplyAsync(() -> second.withKeyLock("mod", "k", () -> "free"))
                    .get(5, TimeUnit.SECONDS);
            assertEquals("free", got);
        }
    }

    @Test
    void writesInsideTheLockUseTheLockConnection() {
        // A pool of one: get/set inside the lock would starve if they needed a second connection.
        try (PostgresStorage tiny = new PostgresStorage(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, 1,
                java.time.Duration.ofSeconds(2))) {
            String seen = tiny.withKeyLock("mod", "k", () -> {
                tiny.set("mod", "k", "ONE");
                return tiny.get("mod", "k");
            });
            assertEquals("ONE", seen);
        }
    }
}
