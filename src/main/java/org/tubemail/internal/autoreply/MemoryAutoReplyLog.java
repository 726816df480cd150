package org.tubemail.internal.autoreply;

import java.util.HashMap;
import java.util.Map;

/**
 * The reply windows in memory, for tests, development and one server with a memory state storage.
 * Bounded: past {@link #MAX_ENTRIES} live windows (a flood of forged senders) it counts nothing
 * more and answers false, so the heap stays bounded and nobody gets a reply it cannot count.
 */
public final class MemoryAutoReplyLog implements AutoReplyLog {

    /** How many windows are kept at most. */
    public static final int MAX_ENTRIES = 100_000;

    private record Window(long endsAtMillis, int replies) {}

    private final Map<String, Window> windows = new HashMap<>();
    private final int maxEntries;

    public MemoryAutoReplyLog() {
        this(MAX_ENTRIES);
    }

    /** A log of at most {@code maxEntries} windows. */
    public MemoryAutoReplyLog(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    static String key(String responder, String address) {
        return responder.length() + ":" + responder + address;
    }

    @Override
    public synchronized boolean tryCount(String responder, String address, long nowMillis, long periodMillis, int limit) {
        if (limit < 1) return false;
        String key = key(responder, address);
        Window w = windows.get(key);
        if (w == null || w.endsAtMillis() <= nowMillis) {
            if (w == null && windows.size() >= maxEntries && removeExpired(nowMillis) == 0) {
                return false;
            }
            windows.put(key, new Window(nowMillis + periodMillis, 1));
            return true;
        }
        if (w.replies() >= limit) return false;
        windows.put(key, new Window(w.endsAtMillis(), w.replies() + 1));
        return true;
    }

    @Override
    public synchronized int removeExpired(long nowMillis) {
        int before = windows.size();
        windows.values().removeIf(w -> w.endsAtMillis() <= nowMillis);
        return before - windows.size();
    }

    @Override
    public synchronized int count() {
        return windows.size();
    }

    @Override
    public synchronized void clear() {
        windows.clear();
    }

    @Override
    public String toString() {
        return "MemoryAutoReplyLog";
    }
}
