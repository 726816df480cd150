package org.tubemail.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One benchmark thread's walk over its own share of the keys (thread {@code t} of {@code T} takes
 * keys {@code t, t+T, ...}), so that threads never write the same key. It also tells which state to
 * write, flipping on each pass so that every write is a real change.
 */
@State(Scope.Thread)
public class KeyCursor {

    private int first;
    private int step;
    private int next;
    private boolean odd;

    @Setup(Level.Trial)
    public void setUp(ThreadParams threads) {
        first = threads.getThreadIndex();
        step = threads.getThreadCount();
        next = first;
    }

    /** The next key's index in an array of {@code n}. */
    int next(int n) {
        int i = next;
        next += step;
        if (next >= n) {
            next = first;
            odd = !odd;
        }
        return i;
    }

    /** The state to write in this pass. */
    String state() {
        return odd ? "WAITING" : "ACTIVE";
    }
}
