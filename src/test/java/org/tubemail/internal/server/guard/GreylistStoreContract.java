package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The behaviour every {@link GreylistStore} shares; each back end's test extends this. */
abstract class GreylistStoreContract {

    protected GreylistStore store;

    /** A new store (for durable ones: the same one a {@link #reopen} finds again). */
    protected abstract GreylistStore open();

    /** Closes and opens the store again; a store that keeps nothing returns a new, empty one. */
    protected GreylistStore reopen() {
        store.close();
        return open();
    }

    /** Whether entries survive {@link #reopen}. */
    protected abstract boolean durable();

    @BeforeEach
    void openStore() {
        store = open();
        store.clear();
    }

    @AfterEach
    void closeStore() {
        if (store != null) { // null when open() was skipped (no PostgreSQL here)
            store.close();
        }
    }

    @Test
    void firstSeenKeepsTheFirstTimeUntilTheEntryExpires() {
        assertEquals(1_000, store.firstSeen("t a", 1_000, 5_000));
        assertEquals(1_000, store.firstSeen("t a", 2_000, 9_000), "a retry does not move the first sight");
        assertEquals(1_000, store.get("t a", 5_000), "live up to and including its expiry");
        assertEquals(-1, store.get("t a", 5_001));
        assertEquals(6_000, store.firstSeen("t a", 6_000, 10_000), "expired: seen for the first time again");
        assertEquals(-1, store.get("t b", 0));
    }

    @Test
    void putReplacesAndRemoveExpiredSweeps() {
        store.put("c 1", 100, 1_000);
        store.put("c 2", 100, 3_000);
        store.put("c 1", 200, 4_000);
        assertEquals(200, store.get("c 1", 2_000));
        store.firstSeen("t x", 100, 500);
        assertEquals(3, store.count());
        assertEquals(1, store.removeExpired(1_000));
        assertEquals(2, store.count());
        store.clear();
        assertEquals(0, store.count());
    }

    @Test
    void concurrentFirstSightsAgreeOnOneTime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> seen = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long now = 1_000 + i;
                Callable<Long> call = () -> store.firstSeen("t race", now, now + 60_000);
                seen.add(pool.submit(call));
            }
            Set<Long> times = new java.util.HashSet<>();
            for (Future<Long> f : seen) times.add(f.get());
            assertEquals(1, times.size(), "every caller got the one stored time: " + times.stream().map(String::valueOf).collect(Collectors.joining(",")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void entriesSurviveAReopenWhenDurable() {
        store.firstSeen("t kept", 1_000, 100_000);
        store = reopen();
        assertEquals(durable() ? 1_000 : -1, store.get("t kept", 2_000));
    }
}
