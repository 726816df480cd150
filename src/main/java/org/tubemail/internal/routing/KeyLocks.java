package org.tubemail.internal.routing;

import org.tubemail.internal.state.StateKey;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fair lock per state key, created on demand and dropped when nobody holds or waits for it, so
 * memory follows the number of keys in flight, not the number of keys ever seen. Fairness makes
 * waiting messages for a key run in the order they asked.
 */
final class KeyLocks {

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    private final ConcurrentHashMap<StateKey, Entry> entries = new ConcurrentHashMap<>();

    /** Blocks until this thread holds {@code key}'s lock. Pair every call with {@link #unlock}. */
    void lock(StateKey key) {
        Entry e = entries.compute(key, (k, v) -> {
            Entry entry = v == null ? new Entry() : v;
            entry.users++;
            return entry;
        });
        e.lock.lock();
    }

    /** Releases {@code key}'s lock, held by this thread. */
    void unlock(StateKey key) {
        entries.computeIfPresent(key, (k, v) -> {
            v.lock.unlock();
            return --v.users == 0 ? null : v;
        });
    }

    /** How many keys have a lock now (held or waited for). */
    int size() {
        return entries.size();
    }
}
