package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.internal.state.StateStorageUnavailableException;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While the state storage is away (a networked database down), accepted mail waits in the spool
 * and is routed once it returns; nothing is lost. The outage is injected in front of a real
 * storage; PostgresUnavailableTest shows the PostgreSQL storage itself failing and recovering.
 */
class StorageOutageTest {

    /** A storage that fails like an unreachable database while {@code down}. */
    static final class Outage implements StateStorage {
        final MemoryStorage real = new MemoryStorage();
        volatile boolean down;
        volatile int refused;

        private void check() {
            if (down) {
                refused++;
                throw new StateStorageUnavailableException("cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/x", null);
            }
        }

        @Override
        public String get(String module, String key) {
            check();
            return real.get(module, key);
        }

        @Override
        public void set(String module, String key, String state) {
            check();
            real.set(module, key, state);
        }

        @Override
        public void clear() {
            real.clear();
        }
    }

    public static class Counter {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Route("count@(host)")
        public String START(MailRequest msg) {
            seen.add(msg.subject());
            return "ONE";
        }

        @RouteLike("START")
        public String ONE(MailRequest msg) {
            seen.add(msg.subject());
            return "START";
        }
    }

    @Test
    void mailWaitsInTheSpoolUntilTheStorageReturns(@TempDir Path dir) throws Exception {
        Outage storage = new Outage();
        Counter counter = new Counter();
        Router router = Router.builder().storage(storage).defaultCapture("host", "example\\.com").handlers(counter).build();
        MaildirQueue spool = new MaildirQueue(dir.resolve("spool"));
        SmtpReceiver receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10,
                Duration.ofSeconds(10), 10, 1), router, spool);
        receiver.start();
        try {
            storage.down = true;
            try (SmtpClient c = new SmtpClient(receiver.port())) {
                c.begin("bob@example.org");
                c.cmd("RCPT TO:<count@example.com>");
                c.cmd("DATA");
                c.send("Subject: during the outage\r\n\r\nx\r\n.\r\n");
                assertTrue(c.reply().startsWith("250"), "accepted while the storage is away");
            }
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertTrue(storage.refused > 0, "routing was attempted");
            assertEquals(1, spool.count(), "the message waits in the spool");
            storage.down = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (spool.count() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, spool.count());
            assertEquals(List.of("during the outage"), counter.seen.stream().distinct().toList());
            assertEquals("ONE", storage.real.get(router.modules().get(0).name(), "bob@example.org"), "state stored once it returned");
            assertEquals(0, router.undeliverableQueue().count(), "an outage is not a handler error");
        } finally {
            receiver.stop(Duration.ofSeconds(5));
        }
    }
}
