package org.tubemail.internal.queue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogQueueTest {

    @TempDir
    Path dir;

    private static byte[] msg(String s) {
        return ("Subject: " + s + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void queueOperations() {
        try (LogQueue q = new LogQueue(dir)) {
            String a = q.push(msg("a"));
            String b = q.push(msg("b"));
            String c = q.push(msg("c"));
            assertEquals(List.of(a, b, c), q.keys());
            assertEquals(3, q.count());
            assertEquals(text(msg("b")), text(q.get(b).orElseThrow()));
            MessageQueue.QueuedMessage first = q.claim().orElseThrow();
            assertEquals(a, first.key());
            assertEquals(3, q.count(), "claimed messages are still queued");
            assertEquals(b, q.claim().orElseThrow().key());
            assertTrue(q.remove(a));
            assertFalse(q.remove(a));
            assertEquals(List.of(b), q.recover());
            assertEquals(b, q.pop().orElseThrow().key());
            assertEquals(List.of(c), q.keys());
            q.clear();
            assertEquals(0, q.count());
            assertTrue(q.claim().isEmpty());
        }
    }

    @Test
    void aBatchIsQueuedInOrderAcrossSegmentsAndSurvivesReopening() throws Exception {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(msg("batch " + i));
        }
        List<String> keys;
        try (LogQueue q = new LogQueue(dir, 200)) { // a new segment every few messages, also mid-batch
            String before = q.push(msg("before"));
            keys = q.pushAll(batch);
            assertEquals(40, keys.size());
            List<String> all = new ArrayList<>(List.of(before));
            all.addAll(keys);
            assertEquals(all, q.keys(), "the batch follows what was pushed before it, in its own order");
            assertEquals(List.of(), q.pushAll(List.of()));
        }
        try (DirectoryStream<Path> segments = Files.newDirectoryStream(dir, "*.log")) {
            int n = 0;
            for (Path ignored : segments) {
                n++;
            }
            assertTrue(n > 2, "the batch spans segments (" + n + ")");
        }
        try (LogQueue q = new LogQueue(dir)) {
            for (int i = 0; i < 40; i++) {
                assertEquals(text(batch.get(i)), text(q.get(keys.get(i)).orElseThrow()));
            }
            assertEquals(41, q.count());
        }
    }

    @Test
    void aSnapshotReadsAnOpenQueueWithoutItsLockAndChangesNothing() {
        try (LogQueue q = new LogQueue(dir, 200)) {
            String a = q.push(msg("first"));
            String b = q.push(msg("second"));
            String c = q.push(msg("third"));
            q.remove(b);
            org.junit.jupiter.api.Assertions.assertThrows(QueueInUseException.class, () -> new LogQueue(dir));
            LogQueueSnapshot snap = LogQueueSnapshot.read(dir);
            assertEquals(List.of(a, c), snap.keys());
            assertEquals(2, snap.count());
            assertEquals(new String(msg("third"), StandardCharsets.UTF_8), new String(snap.get(c).orElseThrow(), StandardCharsets.UTF_8));
            assertTrue(snap.get(b).isEmpty());
            org.junit.jupiter.api.Assertions.assertThrows(QueueInUseException.class, snap::clear);
            org.junit.jupiter.api.Assertions.assertThrows(QueueInUseException.class, snap::pop);
            assertEquals(2, q.count(), "the snapshot changed nothing");
        }
    }

    @Test
    void reopenQueuesWhatWasNotRemoved() {
        String kept;
        try (LogQueue q = new LogQueue(dir)) {
            String gone = q.push(msg("gone"));
            kept = q.push(msg("kept"));
            String claimed = q.push(msg("claimed"));
            q.claim();
            q.remove(gone);
            assertEquals(3 - 1, q.count());
            assertTrue(q.keys().contains(claimed));
        }
        try (LogQueue q = new LogQueue(dir)) {
            assertEquals(2, q.count(), "kept, and the claimed one (claims do not survive a restart)");
            assertEquals(text(msg("kept")), text(q.get(kept).orElseThrow()));
            String next = q.push(msg("new"));
            assertTrue(next.compareTo(kept) > 0, "keys keep growing across restarts");
        }
    }

    @Test
    void tornTailIsDroppedOnOpen() throws Exception {
        try (LogQueue q = new LogQueue(dir)) {
            q.push(msg("whole"));
            q.push(msg("torn"));
        }
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (bytes[end - 1] == 0) {
            end--; // the zeroed tail that runs ahead of the records
        }
        assertTrue(end < bytes.length, "the segment is preallocated");
        java.util.Arrays.fill(bytes, end - 5, end, (byte) 0); // a crash mid-append: the record's last bytes never reached the disk
        Files.write(segment, bytes);
        try (LogQueue q = new LogQueue(dir)) {
            assertEquals(1, q.count());
            assertEquals(text(msg("whole")), text(q.claim().orElseThrow().message()));
            q.push(msg("after"));
        }
        try (LogQueue q = new LogQueue(dir)) {
            assertEquals(2, q.count(), "appends after a torn tail start clean");
        }
    }

    @Test
    void drainedSegmentsAreDeletedOldestFirstAndRemovalsSurvive() {
        List<String> keys = new ArrayList<>();
        try (LogQueue q = new LogQueue(dir, 200)) {
            for (int i = 0; i < 30; i++) {
                keys.add(q.push(msg("m" + i)));
            }
            int before = q.segmentCount();
            assertTrue(before >= 4, "small segments: " + before);
            // remove everything but the first message: its segment keeps every later one (their marks matter)
            for (String k : keys.subList(1, keys.size())) {
                q.remove(k);
            }
            assertEquals(before, q.segmentCount(), "the oldest segment is not drained, so none may go");
        }
        try (LogQueue q = new LogQueue(dir, 200)) {
            assertEquals(List.of(keys.get(0)), q.keys(), "removals kept across the restart");
            q.remove(keys.get(0));
            assertEquals(1, q.segmentCount(), "only the current segment is left once all is drained");
        }
        try (LogQueue q = new LogQueue(dir, 200)) {
            assertEquals(0, q.count());
        }
    }

    @Test
    void concurrentPushersAndClaimersLoseAndDuplicateNothing() throws Exception {
        Set<String> taken = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new ArrayList<>();
        try (LogQueue q = new LogQueue(dir)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        q.push(msg(id + "-" + i));
                    }
                }));
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 2_000 && taken.size() < 1_000; i++) {
                        q.claim().ifPresent(m -> {
                            if (!taken.add(text(m.message()))) {
                                synchronized (duplicates) {
                                    duplicates.add(m.key());
                                }
                            }
                            q.remove(m.key());
                        });
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            while (true) {
                var m = q.pop();
                if (m.isEmpty()) {
                    break;
                }
                if (!taken.add(text(m.get().message()))) {
                    duplicates.add(m.get().key());
                }
            }
        }
        assertEquals(List.of(), duplicates);
        assertEquals(1_000, taken.size());
    }
}
