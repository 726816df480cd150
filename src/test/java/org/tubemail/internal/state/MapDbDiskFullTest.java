package org.tubemail.internal.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.support.Tmpfs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * MapDB state on a file system that fills up: a change that cannot be logged is not made (not
 * even in memory), checkpoints that fail keep their log until a later one holds their changes,
 * and the file reopens with every acknowledged change.
 */
class MapDbDiskFullTest {

    private Tmpfs fs;

    @BeforeEach
    void mount() throws Exception {
        fs = Tmpfs.mount(16L * 1024 * 1024);
    }

    @AfterEach
    void unmount() throws Exception {
        fs.close();
    }

    @Test
    void aChangeThatCannotBeLoggedIsNotMade() throws Exception {
        Path file = fs.dir().resolve("state.db");
        try (MapDbStorage s = new MapDbStorage(file)) {
            s.set("m", "alice", "ONE");
            fs.fill(0);
            // the log's reserved chunk fills, then its growth fails
            int i = 0;
            while (true) {
                try {
                    s.set("m", "k" + i++, "X".repeat(200));
                } catch (StateStorageException full) {
                    break;
                }
            }
            String two = "TWO" + "X".repeat(200); // no smaller than the change that did not fit
            assertThrows(StateStorageException.class, () -> s.set("m", "alice", two));
            assertEquals("ONE", s.get("m", "alice"), "the failed change is not visible either");
            fs.free();
            s.set("m", "alice", two);
            assertEquals(two, s.get("m", "alice"));
        }
        try (MapDbStorage s = new MapDbStorage(file)) {
            assertEquals("TWO" + "X".repeat(200), s.get("m", "alice"));
        }
    }

    @Test
    void checkpointsThatFailLoseNothing() throws Exception {
        Path file = fs.dir().resolve("state.db");
        Map<String, String> acknowledged = new HashMap<>();
        try (MapDbStorage s = new MapDbStorage(file, 200)) {
            fs.fill(3L * 1024 * 1024);
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 100; i++) {
                    String key = "k" + (i * 7 + round) % 500;
                    String state = "S" + round + "_" + "x".repeat(100);
                    try {
                        s.set("m", key, state);
                        acknowledged.put(key, state);
                    } catch (StateStorageException full) {
                        // not acknowledged: may or may not be there
                    }
                }
                if (round == 15) {
                    fs.free();
                }
            }
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertEquals(e.getValue(), s.get("m", e.getKey()), "read back " + e.getKey());
            }
        }
        try (MapDbStorage s = new MapDbStorage(file, 200)) {
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertEquals(e.getValue(), s.get("m", e.getKey()), "after reopening, " + e.getKey());
            }
        }
    }
}
