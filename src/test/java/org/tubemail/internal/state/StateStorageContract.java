package org.tubemail.internal.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The behaviour every {@link StateStorage} must share. Each implementation's test extends this and
 * says how to open (and, for durable ones, reopen) its storage.
 */
public abstract class StateStorageContract {

    protected StateStorage storage;

    /** Opens a storage over the test's backing place (file, database); called again by {@link #reopen()}. */
    protected abstract StateStorage open() throws Exception;

    /** Whether states survive {@link StateStorage#close()} and a new {@link #open()}. */
    protected abstract boolean durable();

    @BeforeEach
    void openStorage() throws Exception {
        storage = open();
        storage.clear();
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) { // null when open() was skipped (no PostgreSQL here)
            storage.close();
        }
    }

    protected void reopen() throws Exception {
        storage.close();
        storage = open();
    }

    @Test
    void unknownKeyReadsAsStart() {
        assertEquals(StateStorage.START, storage.get("mod", "nobody@example.com"));
    }

    @Test
    void setThenGet() {
        storage.set("mod", "bob@example.com", "CONFIRMING");
        assertEquals("CONFIRMING", storage.get("mod", "bob@example.com"));
    }

    @Test
    void modulesAndKeysAreIndependent() {
        storage.set("a", "bob@example.com", "ONE");
        storage.set("b", "bob@example.com", "TWO");
        storage.set("a", "ann@example.com", "THREE");
        assertEquals("ONE", storage.get("a", "bob@example.com"));
        assertEquals("TWO", storage.get("b", "bob@example.com"));
        assertEquals("THREE", storage.get("a", "ann@example.com"));
        assertEquals(StateStorage.START, storage.get("b", "ann@example.com"));
    }

    @Test
    void keysThatCouldCollideWhenJoinedStayApart() {
        storage.set("a:b", "c", "X");
        storage.set("a", "b:c", "Y");
        assertEquals("X", storage.get("a:b", "c"));
        assertEquals("Y", storage.get("a", "b:c"));
    }

    @Test
    void overwriteAndBackToStart() {
        storage.set("mod", "k", "ONE");
        storage.set("mod", "k", "TWO");
        assertEquals("TWO", storage.get("mod", "k"));
        storage.set("mod", "k", StateStorage.START);
        assertEquals(StateStorage.START, storage.get("mod", "k"));
    }

    @Test
    void clearForgetsEverything() {
        storage.set("mod", "k1", "ONE");
        storage.set("other", "k2", "TWO");
        storage.clear();
        assertEquals(StateStorage.START, storage.get("mod", "k1"));
        assertEquals(StateStorage.START, storage.get("other", "k2"));
    }

    @Test
    void unicodeKeysAndStates() {
        storage.set("mod", "jürgen@bücher.example", "ÉTAT");
        assertEquals("ÉTAT", storage.get("mod", "jürgen@bücher.example"));
    }

    @Test
    void keysAreCountedByStateForOneModule() throws Exception {
        assertEquals(Map.of(), storage.countByState("list"));
        storage.set("list", "ann", "CONFIRMING");
        storage.set("list", "bob", "POSTING");
        storage.set("list", "eve", "POSTING");
        storage.set("list", "joe", "POSTING");
        storage.set("list", "zoe", StateStorage.ERROR);
        storage.set("lis", "tann", "POSTING"); // joined, module and key read as the "list" "ann" above
        storage.set("other", "bob", "POSTING");
        storage.set("list", "joe", "CONFIRMING");
        storage.set("list", "eve", StateStorage.START); // back to START: no longer stored, not counted
        Map<String, Long> expected = Map.of("CONFIRMING", 2L, "POSTING", 1L, StateStorage.ERROR, 1L);
        assertEquals(expected, storage.countByState("list"));
        assertEquals(Map.of("POSTING", 1L), storage.countByState("lis"));
        assertEquals(Map.of(), storage.countByState("nobody"));
        reopen();
        assertEquals(durable() ? expected : Map.of(), storage.countByState("list"));
    }

    @Test
    void concurrentWritersLoseNoUpdate() throws Exception {
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    storage.set("mod", "sender-" + id + "-" + i, "S" + i);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertEquals("S" + i, storage.get("mod", "sender-" + t + "-" + i), "thread " + t + " write " + i);
            }
        }
    }

    @Test
    void concurrentReadersSeeCompletedWrites() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    String key = "k" + id;
                    storage.set("mod", key, "V" + i);
                    assertEquals("V" + i, storage.get("mod", key));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    @Test
    void reopenKeepsStateWhenDurable() throws Exception {
        storage.set("mod", "bob@example.com", "POSTING");
        storage.set("mod", "ann@example.com", "CONFIRMING");
        storage.set("mod", "ann@example.com", StateStorage.START);
        reopen();
        if (durable()) {
            assertEquals("POSTING", storage.get("mod", "bob@example.com"));
        } else {
            assertEquals(StateStorage.START, storage.get("mod", "bob@example.com"));
        }
        assertEquals(StateStorage.START, storage.get("mod", "ann@example.com"));
    }
}
