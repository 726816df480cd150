package org.tubemail.internal.autoreply;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The behaviour every {@link AutoReplyLog} shares; each back end's test extends this and says how to open its log. */
public abstract class AutoReplyLogContract {

    static final long DAY = 86_400_000L;
    static final long T0 = 1_796_000_000_000L;

    protected AutoReplyLog log;

    /** A new log over this back end's storage (the same storage each call, where there is one). */
    protected abstract AutoReplyLog open();

    /** Whether counts survive closing and opening again. */
    protected abstract boolean durable();

    @BeforeEach
    void openLog() {
        log = open();
        log.clear();
    }

    @AfterEach
    void closeLog() {
        if (log != null) { // null when open() was skipped (no PostgreSQL here)
            log.close();
        }
    }

    @Test
    void countsUpToTheLimitInOneWindowThenRefuses() {
        assertTrue(log.tryCount("echo", "bob@example.org", T0, DAY, 2));
        assertTrue(log.tryCount("echo", "bob@example.org", T0 + 1000, DAY, 2));
        assertFalse(log.tryCount("echo", "bob@example.org", T0 + 2000, DAY, 2));
        assertFalse(log.tryCount("echo", "bob@example.org", T0 + DAY - 1, DAY, 2), "the window lasts a period from its first reply");
        assertTrue(log.tryCount("echo", "bob@example.org", T0 + DAY, DAY, 2), "a new window opens when the old one ends");
        assertTrue(log.tryCount("echo", "bob@example.org", T0 + DAY + 1, DAY, 2));
        assertFalse(log.tryCount("echo", "bob@example.org", T0 + DAY + 2, DAY, 2));
    }

    @Test
    void eachResponderAndAddressHasItsOwnWindow() {
        assertTrue(log.tryCount("echo", "bob@example.org", T0, DAY, 1));
        assertTrue(log.tryCount("echo", "ann@example.org", T0, DAY, 1));
        assertTrue(log.tryCount("mailinglist", "bob@example.org", T0, DAY, 1));
        assertTrue(log.tryCount("ech", "obob@example.org", T0, DAY, 1), "responder and address do not run together");
        assertFalse(log.tryCount("echo", "bob@example.org", T0, DAY, 1));
        assertEquals(4, log.count());
    }

    @Test
    void aLimitOfZeroAllowsNothing() {
        assertFalse(log.tryCount("echo", "bob@example.org", T0, DAY, 0));
        assertEquals(0, log.count());
    }

    @Test
    void endedWindowsAreRemoved() {
        log.tryCount("echo", "bob@example.org", T0, DAY, 1);
        log.tryCount("echo", "ann@example.org", T0 + 10, DAY, 1);
        assertEquals(1, log.removeExpired(T0 + DAY + 5));
        assertEquals(1, log.count());
        assertFalse(log.tryCount("echo", "ann@example.org", T0 + DAY + 6, DAY, 1));
    }

    @Test
    void concurrentCallersGetAtMostTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(() -> log.tryCount("echo", "bob@example.org", T0, DAY, 3));
            }
            int granted = 0;
            for (Future<Boolean> f : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                granted += f.get() ? 1 : 0;
            }
            assertEquals(3, granted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void countsSurviveAReopenWhenDurable() {
        log.tryCount("echo", "bob@example.org", T0, DAY, 1);
        log.close();
        log = open();
        assertEquals(!durable(), log.tryCount("echo", "bob@example.org", T0 + 1, DAY, 1));
    }
}
