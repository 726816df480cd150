package org.tubemail.confirm;

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
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pending confirmations in a MapDB file with transactions: every change is committed to disk before
 * its method returns (confirmations are rare, so a commit each is cheap enough). The file is locked
 * against a second process. Thread-safe.
 */
public final class MapDbConfirmationStore implements ConfirmationStore {

    private final Path file;
    private final DB db;
    private final HTreeMap<String, byte[]> pending;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbConfirmationStore(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
            this.db = DBMaker.fileDB(this.file.toFile()).transactionEnable().make();
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot open confirmation file " + this.file + ": " + e.getMessage()
                    + " (is another Tubemail process using it?)", e);
        }
        this.pending = db.hashMap("confirmations", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    }

    /** The file the confirmations are in. */
    public Path file() {
        return file;
    }

    private static String key(String target, String sender) {
        return target.length() + ":" + target + sender;
    }

    @Override
    public void put(String target, String sender, PendingConfirmation p) {
        changing(() -> {
            pending.put(key(target, sender), p.encode());
            return null;
        });
    }

    @Override
    public Optional<PendingConfirmation> take(String target, String sender, String token) {
        return changing(() -> {
            byte[] stored = pending.get(key(target, sender));
            if (stored == null) {
                return Optional.empty();
            }
            PendingConfirmation p = PendingConfirmation.decode(stored);
            if (!MemoryConfirmationStore.sameToken(p.token(), token)) {
                return Optional.empty();
            }
            pending.remove(key(target, sender));
            return Optional.of(p);
        });
    }

    @Override
    public boolean remove(String target, String sender) {
        return changing(() -> pending.remove(key(target, sender)) != null);
    }

    @Override
    public int removeExpired(long nowMillis) {
        return changing(() -> {
            List<String> expired = pending.entrySet().stream()
                    .filter(e -> PendingConfirmation.decode(e.getValue()).expiresAtMillis() < nowMillis)
                    .map(Map.Entry::getKey).toList();
            expired.forEach(pending::remove);
            return expired.size();
        });
    }

    @Override
    public int count() {
        lock.lock();
        try {
            checkOpen();
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        changing(() -> {
            pending.clear();
            return null;
        });
    }

    private void checkOpen() {
        if (db.isClosed()) {
            throw new StateStorageException("confirmation file " + file + " is closed", null);
        }
    }

    /** Runs {@code work} under the lock and commits; a failure rolls back and names the file. */
    private <T> T changing(java.util.function.Supplier<T> work) {
        lock.lock();
        try {
            checkOpen();
            try {
                T result = work.get();
                db.commit();
                return result;
            } catch (RuntimeException e) {
                db.rollback();
                throw e instanceof StateStorageException ? e
                        : new StateStorageException("confirmation file " + file + ": " + e.getMessage(), e);
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
        return "MapDbConfirmationStore[" + file + "]";
    }
}
