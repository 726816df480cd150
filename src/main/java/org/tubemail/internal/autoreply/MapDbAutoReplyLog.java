package org.tubemail.internal.autoreply;

import org.mapdb.Serializer;
import org.tubemail.internal.state.MapDbFile;
import org.tubemail.internal.state.StateStorageException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The reply windows in a MapDB file with transactions, beside the MapDB state file: a count is
 * committed to disk before {@link #tryCount} returns, so a restart does not reopen every window.
 * A refused count changes nothing and writes nothing. The file is locked against a second process.
 * Thread-safe.
 */
public final class MapDbAutoReplyLog implements AutoReplyLog {

    /** Key: {@link MemoryAutoReplyLog#key}; value: the window's end (ms) and its count. */
    private final MapDbFile<long[]> store;

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbAutoReplyLog(Path file) {
        this.store = new MapDbFile<>(file, "auto-reply", "auto_replies", Serializer.LONG_ARRAY);
    }

    /** The file the windows are in. */
    public Path file() {
        return store.file();
    }

    @Override
    public boolean tryCount(String responder, String address, long nowMillis, long periodMillis, int limit) {
        if (limit < 1) return false;
        String key = MemoryAutoReplyLog.key(responder, address);
        return store.change(windows -> {
            long[] w = windows.get(key);
            if (w == null || w[0] <= nowMillis) {
                windows.put(key, new long[] {nowMillis + periodMillis, 1});
            } else if (w[1] < limit) {
                windows.put(key, new long[] {w[0], w[1] + 1});
            } else {
                return false;
            }
            return true;
        }, MapDbAutoReplyLog::changed);
    }

    @Override
    public int removeExpired(long nowMillis) {
        return store.change(windows -> {
            List<String> ended = windows.entrySet().stream().filter(e -> e.getValue()[0] <= nowMillis).map(Map.Entry::getKey).toList();
            ended.forEach(windows::remove);
            return ended.size();
        }, MapDbAutoReplyLog::changed);
    }

    @Override
    public int count() {
        return store.read(windows -> windows.size());
    }

    @Override
    public void clear() {
        store.change(windows -> {
            windows.clear();
            return null;
        }, MapDbAutoReplyLog::changed);
    }

    /** Whether a change's result means something changed: a refused count ({@code false}) has nothing to commit. */
    private static boolean changed(Object result) {
        return !Boolean.FALSE.equals(result);
    }

    /** Closes the file; closing twice is harmless. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "MapDbAutoReplyLog[" + store.file() + "]";
    }
}
