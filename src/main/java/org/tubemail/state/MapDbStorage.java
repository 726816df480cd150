package org.tubemail.state;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * States in a MapDB file with transactions (a write-ahead log), for a single server process.
 *
 * <p><b>Promise</b>: when {@link #set} returns, the change is committed to disk and survives a
 * crash of the process ({@code kill -9}) or of the machine, as far as the disk honours
 * {@code fsync}. A change whose {@code set} had not returned may or may not be there after a crash;
 * the file always reopens in the state of its last commit.
 *
 * <p><b>Group commit</b>: committing after every change would cost one disk round trip per change.
 * Instead, the first caller that needs a commit makes one for every change made so far, while
 * callers arriving meanwhile add their changes and wait for the next commit; each caller returns
 * only after a commit that holds its change. Many concurrent senders therefore share commits.
 *
 * <p>Thread-safe ({@link ReentrantLock}s); the file is locked against other processes.
 */
public final class MapDbStorage implements StateStorage {

    private final Path file;
    private final DB db;
    private final HTreeMap<String, String> states;
    /** Guards the map and the database (MapDB's transaction is shared by all threads). */
    private final ReentrantLock data = new ReentrantLock();
    /** Guards the commit bookkeeping below. */
    private final ReentrantLock commits = new ReentrantLock();
    private final Condition committed = commits.newCondition();
    private long written;
    private long durable;
    private boolean committing;
    private boolean closed;

    /**
     * Opens (or creates) the state file, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbStorage(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
            this.db = DBMaker.fileDB(this.file.toFile()).transactionEnable().make();
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot open state file " + this.file + ": " + e.getMessage()
                    + " (is another Tubemail process using it? stop it, or set storage.path to another file)", e);
        }
        this.states = db.hashMap("states", Serializer.STRING, Serializer.STRING).createOrOpen();
    }

    private static String key(String module, String key) {
        return module.length() + ":" + module + key;
    }

    @Override
    public String get(String module, String key) {
        data.lock();
        try {
            checkOpen();
            String state = states.get(key(module, key));
            return state == null ? START : state;
        } finally {
            data.unlock();
        }
    }

    @Override
    public void set(String module, String key, String state) {
        long mine;
        data.lock();
        try {
            checkOpen();
            if (START.equals(state)) {
                states.remove(key(module, key));
            } else {
                states.put(key(module, key), state);
            }
            mine = nextWrite();
        } finally {
            data.unlock();
        }
        awaitDurable(mine);
    }

    private long nextWrite() {
        commits.lock();
        try {
            return ++written;
        } finally {
            commits.unlock();
        }
    }

    /** Returns once a commit holding write number {@code mine} is done, leading one if nobody is. */
    private void awaitDurable(long mine) {
        commits.lock();
        try {
            while (durable < mine) {
                if (committing) {
                    committed.awaitUninterruptibly();
                    continue;
                }
                committing = true;
                long upTo;
                commits.unlock();
                try {
                    upTo = commitNow();
                } finally {
                    commits.lock();
                    committing = false;
                    committed.signalAll();
                }
                durable = Math.max(durable, upTo);
            }
        } finally {
            commits.unlock();
        }
    }

    /** Commits everything written so far; returns the last write number it holds. */
    private long commitNow() {
        data.lock();
        try {
            checkOpen();
            long upTo;
            commits.lock();
            try {
                upTo = written;
            } finally {
                commits.unlock();
            }
            db.commit();
            return upTo;
        } catch (RuntimeException e) {
            throw new StateStorageException("cannot commit state file " + file + ": " + e.getMessage(), e);
        } finally {
            data.unlock();
        }
    }

    @Override
    public void clear() {
        data.lock();
        try {
            checkOpen();
            states.clear();
            db.commit();
        } finally {
            data.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StateStorageException("state file " + file + " is closed", null);
        }
    }

    /** Commits and closes the file; closing twice is harmless. */
    @Override
    public void close() {
        data.lock();
        try {
            if (!closed) {
                closed = true;
                db.commit();
                db.close();
            }
        } finally {
            data.unlock();
        }
    }

    @Override
    public String toString() {
        return "MapDbStorage[" + file + "]";
    }
}
