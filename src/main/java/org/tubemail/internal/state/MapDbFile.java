package org.tubemail.internal.state;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One map of string keys in a MapDB file with transactions, for the small stores kept beside the
 * state file (pending confirmations, automatic-reply windows, greylist entries): opened with an
 * error that names the file, read and changed under one lock, a failed change rolled back, closed
 * once. Each change says whether to commit at once; what it leaves waits for {@link #commit} (or
 * {@link #close}). MapDB locks the file against a second process. Thread-safe.
 *
 * @param <V> the values
 */
public final class MapDbFile<V> implements AutoCloseable {

    private final Path file;
    private final String what;
    private final DB db;
    private final HTreeMap<String, V> map;
    private final ReentrantLock lock = new ReentrantLock();
    /** Whether changes wait for a commit; guarded by the lock. */
    private boolean dirty;

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @param what    what the file holds, for messages: {@code "greylist"}
     * @param mapName the map's name inside the file
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbFile(Path file, String what, String mapName, Serializer<V> values) {
        this.file = file.toAbsolutePath();
        this.what = what;
        try {
            Files.createDirectories(this.file.getParent());
            this.db = DBMaker.fileDB(this.file.toFile()).transactionEnable().make();
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot open " + what + " file " + this.file + ": " + e.getMessage()
                    + " (is another Tubemail process using it?)", e);
        }
        this.map = db.hashMap(mapName, Serializer.STRING, values).createOrOpen();
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Runs {@code work} on the map under the lock, for reading. */
    public <T> T read(Function<HTreeMap<String, V>, T> work) {
        lock.lock();
        try {
            checkOpen();
            return work.apply(map);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code work} on the map under the lock, then commits it when {@code commitNow} says so of
     * its result (else it waits for the next commit); a failure rolls back and names the file.
     */
    public <T> T change(Function<HTreeMap<String, V>, T> work, Predicate<? super T> commitNow) {
        lock.lock();
        try {
            checkOpen();
            try {
                T result = work.apply(map);
                dirty = true;
                if (commitNow.test(result)) {
                    db.commit();
                    dirty = false;
                }
                return result;
            } catch (RuntimeException e) {
                db.rollback();
                dirty = false;
                throw e instanceof StateStorageException ? e : new StateStorageException(what + " file " + file + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Commits the changes left waiting, if any. */
    public void commit() {
        lock.lock();
        try {
            if (dirty && !db.isClosed()) {
                db.commit();
                dirty = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Commits what waits and closes the file; closing twice is harmless. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!db.isClosed()) {
                if (dirty) {
                    db.commit();
                }
                db.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (db.isClosed()) {
            throw new StateStorageException(what + " file " + file + " is closed", null);
        }
    }
}
