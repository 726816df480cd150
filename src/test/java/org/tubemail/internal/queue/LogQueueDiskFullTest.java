package org.tubemail.internal.queue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.support.Tmpfs;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log spool on a file system that fills up: a batch is stored whole or not at all, removals are not lost. */
class LogQueueDiskFullTest {

    private Tmpfs fs;

    @BeforeEach
    void mount() throws Exception {
        fs = Tmpfs.mount(4L * 1024 * 1024);
    }

    @AfterEach
    void unmount() throws Exception {
        fs.close();
    }

    private static List<byte[]> batch(int n, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new byte[size]);
        }
        return out;
    }

    @Test
    void aBatchThatDoesNotFitLeavesNothingBehind() throws Exception {
        try (LogQueue q = new LogQueue(fs.dir().resolve("spool"))) {
            q.push(new byte[1000]);
            fs.fill(300 * 1024); // the first 1 MiB chunk is reserved; a second one does not fit
            QueueException e = assertThrows(QueueException.class, () -> q.pushAll(batch(10, 200 * 1024)));
            assertTrue(DiskFull.causes(e), e.toString());
            assertEquals(1, q.count(), "no message of the failed batch is queued");
            fs.free();
            q.pushAll(batch(2, 1000));
            assertEquals(3, q.count());
        }
        try (LogQueue reopened = new LogQueue(fs.dir().resolve("spool"))) {
            assertEquals(3, reopened.count(), "the failed batch's records are not replayed after a restart");
        }
    }

    @Test
    void aRemovalMarkThatCannotBeWrittenIsWrittenLater() throws Exception {
        List<String> keys;
        try (LogQueue q = new LogQueue(fs.dir().resolve("spool"), 1024 * 1024)) {
            keys = q.pushAll(batch(4, 1000));
            fs.fill(0);
            // fill the rest of the reserved chunk, so that even a mark does not fit
            while (true) {
                try {
                    q.push(new byte[16 * 1024]);
                } catch (QueueException full) {
                    break;
                }
            }
            int before = q.count();
            assertTrue(q.remove(keys.get(0)), "a full disk does not fail the removal");
            assertEquals(before - 1, q.count());
            fs.free();
            q.push(new byte[10]); // writes the waiting mark first
        }
        try (LogQueue reopened = new LogQueue(fs.dir().resolve("spool"), 1024 * 1024)) {
            assertTrue(reopened.get(keys.get(0)).isEmpty(), "the removal survived a restart");
            assertTrue(reopened.get(keys.get(1)).isPresent());
        }
    }
}
