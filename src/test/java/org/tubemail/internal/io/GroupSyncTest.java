package org.tubemail.internal.io;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupSyncTest {

    @Test
    void everyWriterReturnsAfterASyncCoveringItAndWritersShareSyncs() throws Exception {
        GroupSync group = new GroupSync();
        AtomicLong written = new AtomicLong();
        AtomicLong synced = new AtomicLong();
        AtomicInteger syncs = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    long mine = written.incrementAndGet();
                    group.await(mine, () -> {
                        long upTo = written.get();
                        syncs.incrementAndGet();
                        try {
                            Thread.sleep(1); // a disk sync takes a while
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        synced.accumulateAndGet(upTo, Math::max);
                        return upTo;
                    });
                    if (synced.get() < mine) {
                        violations.incrementAndGet();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(0, violations.get(), "a writer returned before a sync covered its write");
        assertTrue(syncs.get() < 3_200 / 2, "16 writers should share syncs: " + syncs.get() + " syncs for 3,200 writes");
    }
}
