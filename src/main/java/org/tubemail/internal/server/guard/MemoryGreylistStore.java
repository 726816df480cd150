package org.tubemail.internal.server.guard;

import java.util.HashMap;
import java.util.Map;

/** Greylist entries in memory, for tests and development: nothing survives a restart. */
public final class MemoryGreylistStore implements GreylistStore {

    private record Entry(long value, long expiresAt) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    @Override
    public synchronized long firstSeen(String key, long nowMillis, long expiresAtMillis) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() >= nowMillis) {
            return e.value();
        }
        entries.put(key, new Entry(nowMillis, expiresAtMillis));
        return nowMillis;
    }

    @Override
    public synchronized long get(String key, long nowMillis) {
        Entry e = entries.get(key);
        return e != null && e.expiresAt() >= nowMillis ? e.value() : -1;
    }

    @Override
    public synchronized void put(String key, long valueMillis, long expiresAtMillis) {
        entries.put(key, new Entry(valueMillis, expiresAtMillis));
    }

    @Override
    public synchronized int removeExpired(long nowMillis) {
        int before = entries.size();
        entries.values().removeIf(e -> e.expiresAt() < nowMillis);
        return before - entries.size();
    }

    @Override
    public synchronized int count() {
        return entries.size();
    }

    @Override
    public synchronized void clear() {
        entries.clear();
    }
}
