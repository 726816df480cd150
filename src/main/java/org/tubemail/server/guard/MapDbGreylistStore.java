package org.tubemail.server.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.state.StateStorageException;

/**
 * Greylist entries in a MapDB file with transactions, committed once a second (and on close) rather
 * than per change: a commit waits for the disk (about 80 a second on a loaded machine), and a flood
 * of new triplets must not queue legitimate mail behind disk syncs. A greylist is soft state, so a
 * crash that loses the last second of entries only makes those clients wait once more; the
 * transactions keep the file whole. The file is locked against a second process. Thread-safe.
 */
public final class MapDbGreylistStore implements GreylistStore {
    private static final Logger LOG = LoggerFactory.getLogger(MapDbGreylistStore.class);

    private final Path file;
    private final DB db;
    private final HTreeMap<String, long[]> entries;
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService committer;
    /** Whether changes wait for a commit; guarded by the lock. */
    private boolean dirty;

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbGreylistStore(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
            this.db = DBMaker.fileDB(this.file.toFile()).transactionEnable().make();
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot open greylist file " + this.file + ": " + e.getMessage()
                    + " (is another Tubemail process using it?)", e);
        }
        this.entries = db.hashMap("greylist", Serializer.STRING, Serializer.LONG_ARRAY).createOrOpen();
        this.committer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greylist-commit");
            t.setDaemon(true);
            return t;
        });
        committer.scheduleWithFixedDelay(this::commit, 1, 1, TimeUnit.SECONDS);
    }

    /** Commits the changes made since the last commit, if any. */
    private void commit() {
        lock.lock();
        try {
            if (dirty && !db.isClosed()) {
                db.commit();
                dirty = false;
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot commit greylist file {}: {}", file, e.toString());
        } finally {
            lock.unlock();
        }
    }

    /** The file the entries are in. */
    public Path file() {
        return file;
    }

    @Override
    public long firstSeen(String key, long nowMillis, long expiresAtMillis) {
        lock.lock();
        try {
            long live = get(key, nowMillis);
            if (live >= 0) {
                return live; // nothing changes
            }
            return changing(() -> {
                entries.put(key, new long[] {nowMillis, expiresAtMillis});
                return nowMillis;
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long get(String key, long nowMillis) {
        lock.lock();
        try {
            checkOpen();
            long[] e = entries.get(key);
            return e != null && e[1] >= nowMillis ? e[0] : -1;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(String key, long valueMillis, long expiresAtMillis) {
        changing(() -> entries.put(key, new long[] {valueMillis, expiresAtMillis}));
    }

    @Override
    public int removeExpired(long nowMillis) {
        return changing(() -> {
            List<String> expired = entries.entrySet().stream().filter(e -> e.getValue()[1] < nowMillis).map(Map.Entry::getKey).toList();
            expired.forEach(entries::remove);
            return expired.size();
        });
    }

    @Override
    public int count() {
        lock.lock();
        try {
            checkOpen();
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        changing(() -> {
            entries.clear();
            return null;
        });
    }

    private void checkOpen() {
        if (db.isClosed()) {
            throw new StateStorageException("greylist file " + file + " is closed", null);
        }
    }

    /** Runs {@code work} under the lock, for the next commit; a failure rolls back and names the file. */
    private <T> T changing(Supplier<T> work) {
        lock.lock();
        try {
            checkOpen();
            try {
                T result = work.get();
                dirty = true;
                return result;
            } catch (RuntimeException e) {
                db.rollback();
                throw e instanceof StateStorageException ? e : new StateStorageException("greylist file " + file + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Commits and closes the file; closing twice is harmless. */
    @Override
    public void close() {
        committer.shutdownNow();
        lock.lock();
        try {
            if (!db.isClosed()) {
                db.commit();
                db.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MapDbGreylistStore[" + file + "]";
    }
}
