package org.tubemail.internal.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapDbStorageTest extends StateStorageContract {

    @TempDir
    Path dir;

    @Override
    protected StateStorage open() {
        return new MapDbStorage(dir.resolve("run/state.db"));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void countsJoinTheFileAndTheChangesNotYetCheckpointed() throws Exception {
        storage.close();
        try (MapDbStorage small = new MapDbStorage(dir.resolve("run/small.db"), 4)) {
            for (int i = 0; i < 10; i++) {
                small.set("m", "k" + i, "ONE");
            }
            small.set("m", "k0", StateStorage.START); // a tombstone among the recent changes, over a key in the file
            small.set("m", "k1", "TWO");
            small.set("other", "k2", "TWO");
            java.util.Map<String, Long> counts = small.countByState("m");
            assertEquals(java.util.Map.of("ONE", 8L, "TWO", 1L), counts);
        }
        storage = open();
    }

    @Test
    void countingWhileCheckpointsWriteTheFile() throws Exception {
        storage.close();
        try (MapDbStorage small = new MapDbStorage(dir.resolve("run/busy.db"), 50)) {
            for (int i = 0; i < 2000; i++) {
                small.set("m", "fixed-" + i, "FIXED");
            }
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread writer = new Thread(() -> small.deferDurability(() -> { // other keys move on: checkpoints keep writing the file
                for (int i = 0; writing.get(); i++) {
                    small.set("m", "moving-" + (i % 500), (i / 500) % 2 == 0 ? "A" : StateStorage.START);
                }
            }, () -> { }));
            writer.start();
            try {
                for (int round = 0; round < 20; round++) {
                    assertEquals(2000L, small.countByState("m").get("FIXED"), "round " + round);
                }
            } finally {
                writing.set(false);
                writer.join();
            }
        }
        storage = open();
    }

    @Test
    void aSecondOpenOfTheSameFileFailsWithAClearMessage() {
        StateStorageException e = assertThrows(StateStorageException.class, () -> new MapDbStorage(dir.resolve("run/state.db")));
        assertTrue(e.getMessage().contains("state.db") && e.getMessage().contains("another Tubemail process"), e.getMessage());
    }

    @Test
    void tornLogTailIsIgnored() throws Exception {
        Path segment = dir.resolve("torn.log");
        try (StateLog log = new StateLog(segment)) {
            log.append("m", "a", "ONE");
            log.append("m", "b", "TWO");
            log.sync();
        }
        byte[] whole = java.nio.file.Files.readAllBytes(segment);
        int end = whole.length;
        while (whole[end - 1] == 0) {
            end--; // the zeroed tail that runs ahead of the records
        }
        assertTrue(end < whole.length, "the segment is preallocated");
        java.nio.file.Files.write(segment, java.util.Arrays.copyOf(whole, end - 3)); // a crash mid-append, file cut
        try (StateLog log = new StateLog(segment)) {
            assertEquals(List.of(new StateLog.Change("m", "a", "ONE")), log.readAll());
        }
        byte[] zeroed = whole.clone();
        java.util.Arrays.fill(zeroed, end - 3, end, (byte) 0); // a crash mid-append, preallocated file
        java.nio.file.Files.write(segment, zeroed);
        try (StateLog log = new StateLog(segment)) {
            assertEquals(List.of(new StateLog.Change("m", "a", "ONE")), log.readAll());
        }
        whole[end - 1] ^= 1; // a damaged last record
        java.nio.file.Files.write(segment, whole);
        try (StateLog log = new StateLog(segment)) {
            assertEquals(1, log.readAll().size());
        }
    }

    @Test
    void changesSurviveBackgroundCheckpointsAndReopen() throws Exception {
        storage.close();
        Path file = dir.resolve("checkpointed.db");
        MapDbStorage small = new MapDbStorage(file, 50);
        for (int i = 0; i < 1_000; i++) {
            small.set("m", "k" + (i % 120), "S" + i);
        }
        for (int i = 0; i < 120; i++) {
            assertEquals("S" + lastWrite(i), small.get("m", "k" + i), "read back before close");
        }
        small.close();
        try (MapDbStorage reopened = new MapDbStorage(file, 50)) {
            for (int i = 0; i < 120; i++) {
                assertEquals("S" + lastWrite(i), reopened.get("m", "k" + i));
            }
        }
        storage = open();
    }

    /** The last of writes 0..999 that went to key {@code k} (writes cycle over 120 keys). */
    private static int lastWrite(int k) {
        return (999 - k) / 120 * 120 + k;
    }

    @Test
    void closedStorageRefusesWork() {
        storage.close();
        storage.close();
        assertThrows(StateStorageException.class, () -> storage.get("m", "k"));
    }

    @Test
    void deferredChangesAreSeenAtOnceAndTheirActionRunsOnceDurable() throws Exception {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        List<String> seenInside = new java.util.ArrayList<>();
        storage.deferDurability(() -> {
            storage.set("m", "k", "NEXT");
            seenInside.add(storage.get("m", "k"));
        }, ran::countDown);
        assertEquals(List.of("NEXT"), seenInside);
        assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS), "the action ran after the deferred sync");
        storage.close();
        try (MapDbStorage reopened = new MapDbStorage(dir.resolve("run/state.db"))) {
            assertEquals("NEXT", reopened.get("m", "k"));
        }
    }

    @Test
    void failedWorkNeverRunsItsActionAndClosingRunsWaitingOnes() {
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        assertThrows(IllegalStateException.class, () -> storage.deferDurability(() -> {
            storage.set("m", "k", "HALF");
            throw new IllegalStateException("handler failed");
        }, ran::incrementAndGet));
        for (int i = 0; i < 200; i++) {
            int n = i;
            storage.deferDurability(() -> storage.set("m", "k" + n, "S"), ran::incrementAndGet);
        }
        storage.close(); // whatever the syncer had not done yet, the closing checkpoint covers
        assertEquals(200, ran.get());
    }
}
