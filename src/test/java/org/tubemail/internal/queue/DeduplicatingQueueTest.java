package org.tubemail.internal.queue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.monitor.Monitor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local spool's de-duplication window, over a real log spool. */
class DeduplicatingQueueTest {

    @TempDir
    Path dir;

    private final AtomicInteger dropped = new AtomicInteger();
    private final Monitor counting = new Monitor() {
        @Override
        public void duplicateDropped(String firstKey) {
            dropped.incrementAndGet();
        }
    };

    @Test
    void aRepeatWithinTheWindowIsDroppedAndCounted() throws Exception {
        try (DeduplicatingQueue q = new DeduplicatingQueue(new LogQueue(dir.resolve("spool")),
                Duration.ofMinutes(10), 100, counting)) {
            String first = q.push(PostgresSpoolTest.message("bob@example.org", "<a@x>", "1", "x@example.com", "y@example.com"));
            List<String> keys = q.pushAll(List.of(
                    PostgresSpoolTest.message("BOB@example.org", "<a@x>", "1", "y@example.com", "x@example.com"),
                    PostgresSpoolTest.message("bob@example.org", "<a@x>", "1", "x@example.com"),
                    PostgresSpoolTest.message("bob@example.org", null, "1", "x@example.com"),
                    PostgresSpoolTest.message("eve@example.org", "<b@x>", "1", "x@example.com"),
                    PostgresSpoolTest.message("eve@example.org", "<b@x>", "1", "x@example.com")));
            assertEquals("dup-" + first, keys.get(0));
            assertEquals(Optional.empty(), q.claim(keys.get(0), new byte[0]));
            assertFalse(keys.get(1).startsWith("dup-"), "other recipients: another message");
            assertFalse(keys.get(2).startsWith("dup-"), "no Message-ID: never a repeat");
            assertTrue(keys.get(4).startsWith("dup-"), "a repeat within one batch");
            assertEquals(4, q.count());
            assertEquals(2, dropped.get());
        }
    }

    @Test
    void theWindowExpiresAndIsBounded() throws Exception {
        try (DeduplicatingQueue q = new DeduplicatingQueue(new LogQueue(dir.resolve("spool")),
                Duration.ofMillis(200), 2, counting)) {
            q.push(PostgresSpoolTest.message("bob@example.org", "<a@x>", "1", "x@example.com"));
            Thread.sleep(400);
            assertFalse(q.push(PostgresSpoolTest.message("bob@example.org", "<a@x>", "1", "x@example.com")).startsWith("dup-"));
        }
        try (DeduplicatingQueue q = new DeduplicatingQueue(new LogQueue(dir.resolve("spool2")),
                Duration.ofMinutes(10), 2, counting)) {
            for (String id : List.of("<1@x>", "<2@x>", "<3@x>", "<1@x>")) {
                q.push(PostgresSpoolTest.message("bob@example.org", id, "1", "x@example.com"));
            }
            assertEquals(4, q.count(), "the oldest entry was forgotten beyond 2");
            assertEquals(0, dropped.get());
        }
    }

    @Test
    void theMessageIdIsFoundInAFoldedHeaderAndNotInTheBody() {
        byte[] folded = "Subject: x\r\nMessage-ID:\r\n <long@example.org>\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Optional.of("<long@example.org>"), DedupKey.messageId(folded, 0));
        byte[] inBody = "Subject: x\r\n\r\nMessage-ID: <no@x>\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Optional.empty(), DedupKey.messageId(inBody, 0));
    }
}
