package org.tubemail.internal.server.guard;

import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.state.MapDbFile;
import org.tubemail.internal.state.StateStorageException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Greylist entries in a MapDB file with transactions, committed once a second (and on close) rather
 * than per change: a commit waits for the disk (about 80 a second on a loaded machine), and a flood
 * of new triplets must not queue legitimate mail behind disk syncs. A greylist is soft state, so a
 * crash that loses the last second of entries only makes those clients wait once more; the
 * transactions keep the file whole. The file is locked against a second process. Thread-safe.
 */
public final class MapDbGreylistStore implements GreylistStore {
    private static final Logger LOG = LoggerFactory.getLogger(MapDbGreylistStore.class);

    /** Key: the triplet; value: when it was first seen (ms) and when it expires (ms). */
    private final MapDbFile<long[]> store;
    private final ScheduledExecutorService committer;

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbGreylistStore(Path file) {
        this.store = new MapDbFile<>(file, "greylist", "greylist", Serializer.LONG_ARRAY);
        this.committer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greylist-commit");
            t.setDaemon(true);
            return t;
        });
        committer.scheduleWithFixedDelay(this::commit, 1, 1, TimeUnit.SECONDS);
    }

    /** Commits the changes made since the last commit, if any. */
    private void commit() {
        try {
            store.commit();
        } catch (RuntimeException e) {
            LOG.warn("cannot commit greylist file {}: {}", store.file(), e.toString());
        }
    }

    /** The file the entries are in. */
    public Path file() {
        return store.file();
    }

    @Override
    public long firstSeen(String key, long nowMillis, long expiresAtMillis) {
        long live = get(key, nowMillis);
        if (live >= 0) {
            return live; // nothing changes
        }
        return store.change(entries -> {
            long[] e = entries.get(key); // another thread may have put it meanwhile
            if (e != null && e[1] >= nowMillis) {
                return e[0];
            }
            entries.put(key, new long[] {nowMillis, expiresAtMillis});
            return nowMillis;
        }, r -> false);
    }

    @Override
    public long get(String key, long nowMillis) {
        return store.read(entries -> {
            long[] e = entries.get(key);
            return e != null && e[1] >= nowMillis ? e[0] : -1;
        });
    }

    @Override
    public void put(String key, long valueMillis, long expiresAtMillis) {
        store.change(entries -> entries.put(key, new long[] {valueMillis, expiresAtMillis}), r -> false);
    }

    @Override
    public int removeExpired(long nowMillis) {
        return store.change(entries -> {
            List<String> expired = entries.entrySet().stream().filter(e -> e.getValue()[1] < nowMillis).map(Map.Entry::getKey).toList();
            expired.forEach(entries::remove);
            return expired.size();
        }, r -> false);
    }

    @Override
    public int count() {
        return store.read(entries -> entries.size());
    }

    @Override
    public void clear() {
        store.change(entries -> {
            entries.clear();
            return null;
        }, r -> false);
    }

    /** Commits and closes the file; closing twice is harmless. */
    @Override
    public void close() {
        committer.shutdownNow();
        store.close();
    }

    @Override
    public String toString() {
        return "MapDbGreylistStore[" + store.file() + "]";
    }
}
