package org.tubemail.autoreply;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.tubemail.state.StateStorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The reply windows in a MapDB file with transactions, beside the MapDB state file: a count is
 * committed to disk before {@link #tryCount} returns, so a restart does not reopen every window.
 * A refused count changes nothing and writes nothing. The file is locked against a second process.
 * Thread-safe.
 */
public final class MapDbAutoReplyLog implements AutoReplyLog {

    private final Path file;
    private final DB db;
    /** Key: {@link MemoryAutoReplyLog#key}; value: the window's end (ms) and its count. */
    private final HTreeMap<String, long[]> windows;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbAutoReplyLog(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
            this.db = DBMaker.fileDB(this.file.toFile()).transactionEnable().make();
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot open auto-reply file " + this.file + ": " + e.getMessage()
                    + " (is another Tubemail process using it?)", e);
        }
        this.windows = db.hashMap("auto_replies", Serializer.STRING, Serializer.LONG_ARRAY).createOrOpen();
    }

    /** The file the windows are in. */
    public Path file() {
        return file;
    }

    @Override
    public boolean tryCount(String responder, String address, long nowMillis, long periodMillis, int limit) {
        if (limit < 1) return false;
        String key = MemoryAutoReplyLog.key(responder, address);
        return changing(() -> {
            long[] w = windows.get(key);
            if (w == null || w[0] <= nowMillis) {
                windows.put(key, new long[] {nowMillis + periodMillis, 1});
            } else if (w[1] < limit) {
                windows.put(key, new long[] {w[0], w[1] + 1});
            } else {
                return false;
            }
            return true;
        });
    }

    @Override
    public int removeExpired(long nowMillis) {
        return changing(() -> {
            List<String> ended = windows.entrySet().stream().filter(e -> e.getValue()[0] <= nowMillis).map(Map.Entry::getKey).toList();
            ended.forEach(windows::remove);
            return ended.size();
        });
    }

    @Override
    public int count() {
        lock.lock();
        try {
            checkOpen();
            return windows.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        changing(() -> {
            windows.clear();
            return null;
        });
    }

    private void checkOpen() {
        if (db.isClosed()) {
            throw new StateStorageException("auto-reply file " + file + " is closed", null);
        }
    }

    /** Runs {@code work} under the lock and commits (a refusal has nothing to commit); a failure rolls back and names the file. */
    private <T> T changing(Supplier<T> work) {
        lock.lock();
        try {
            checkOpen();
            try {
                T result = work.get();
                if (!Boolean.FALSE.equals(result)) db.commit();
                return result;
            } catch (RuntimeException e) {
                db.rollback();
                throw e instanceof StateStorageException ? e : new StateStorageException("auto-reply file " + file + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the file; closing twice is harmless. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!db.isClosed()) {
                db.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MapDbAutoReplyLog[" + file + "]";
    }
}
