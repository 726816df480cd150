package org.tubemail.internal.state;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.io.GroupSync;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * States in a MapDB file, for a single server process.
 *
 * <p><b>Promise</b>: when {@link #set} returns, the change is on disk and survives a crash of the
 * process ({@code kill -9}) or of the machine, as far as the disk honours {@code fsync}. A change
 * whose {@code set} had not returned may or may not be there after a crash.
 *
 * <p><b>How</b>: a MapDB transactional write costs about 50 µs and a commit several disk round
 * trips, so neither happens on the caller's path. A change goes into an in-memory table of recent
 * changes and is appended to a log segment next to the file ({@code state.db.log.N}, see
 * {@link StateLog}); one {@code fsync} is shared by every caller waiting at that moment (group
 * commit), and each caller returns only after a sync that covers its change. When the table holds
 * {@value #CHECKPOINT_CHANGES} keys, a new segment starts and a background thread writes the table
 * into MapDB, commits, and only then deletes the old segment. The MapDB file is memory-mapped: its
 * default volume costs a seek and a read system call per word read, which made checkpoints a sixth
 * of the SMTP benchmark's server CPU. Opening replays the remaining
 * segments, oldest first, onto the last MapDB commit; replaying twice is harmless, since a change
 * sets a value.
 *
 * <p><b>Deferred durability</b>: inside {@link #deferDurability}, {@code set} does not wait for
 * its sync; a background thread syncs at most every {@value #DEFER_WINDOW_MS} ms for all such
 * callers together and then runs their {@code afterDurable} actions.
 *
 * <p>Thread-safe ({@link ReentrantLock}s); the file is locked against other processes.
 */
public final class MapDbStorage implements StateStorage {

    /** Changed keys after which the table of recent changes is written into MapDB. */
    static final int CHECKPOINT_CHANGES = 20_000;
    private final int checkpointChanges;
    private static final int FLUSH_CHUNK = 500;
    /** How long deferred changes gather before their shared sync. */
    static final long DEFER_WINDOW_MS = 2;
    /** How long deferred actions wait after a failed sync before the next try. */
    static final long RETRY_SYNC_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(MapDbStorage.class);

    /** An action waiting for every write up to {@code ticket} to be durable. */
    private record Deferred(long ticket, Runnable action) {
    }

    private final Path file;
    private final DB db;
    private final HTreeMap<String, String> states;
    /** Guards the tables of recent changes, the log and the write counter. */
    private final ReentrantLock data = new ReentrantLock();
    private final Condition flushed = data.newCondition();
    /** Guards MapDB itself: read by {@link #get} and counts, written by checkpoints and {@link #clear}. */
    private final ReentrantReadWriteLock store = new ReentrantReadWriteLock();
    /** Counts reading the file now. */
    private final java.util.concurrent.atomic.AtomicInteger counting = new java.util.concurrent.atomic.AtomicInteger();
    private final GroupSync durability = new GroupSync();
    private Map<String, String> recent = new HashMap<>();
    private Map<String, String> flushing;
    private StateLog log;
    private long segment;
    private long written;
    private boolean closed;
    /** Set while this thread runs deferred work: its {@code set} calls do not wait for the disk. */
    private final ThreadLocal<Boolean> deferring = ThreadLocal.withInitial(() -> false);
    /** Actions waiting for a deferred sync; guarded by the data lock. */
    private final List<Deferred> deferred = new ArrayList<>();
    private final Condition deferredArrived = data.newCondition();
    private Thread deferredSyncer;
    /** Segments of checkpoints that failed, kept until a later checkpoint holds their changes; data lock. */
    private final List<StateLog> retained = new ArrayList<>();
    private final DiskFull diskFull;

    /**
     * Opens (or creates) the state file, and its folder when missing, replaying any log left by a
     * crash.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbStorage(Path file) {
        this(file, CHECKPOINT_CHANGES);
    }

    /** With another checkpoint size, for tests. */
    MapDbStorage(Path file, int checkpointChanges) {
        this.checkpointChanges = checkpointChanges;
        this.file = file.toAbsolutePath();
        this.diskFull = DiskFull.of("state log " + this.file);
        try {
            Files.createDirectories(this.file.getParent());
            this.db = DBMaker.fileDB(this.file.toFile()).fileMmapEnableIfSupported().cleanerHackEnable().transactionEnable().make();
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot open state file " + this.file + ": " + e.getMessage()
                    + " (is another Tubemail process using it? stop it, or set storage.path to another file)", e);
        }
        this.states = db.hashMap("states", Serializer.STRING, Serializer.STRING).createOrOpen();
        try {
            List<Path> left = segments();
            for (Path p : left) {
                try (StateLog old = new StateLog(p)) {
                    for (StateLog.Change c : old.readAll()) {
                        apply(states, key(c.module(), c.key()), c.state());
                    }
                }
            }
            db.commit();
            for (Path p : left) {
                Files.delete(p);
            }
            segment = left.isEmpty() ? 1 : number(left.get(left.size() - 1)) + 1;
            log = new StateLog(segmentPath(segment));
        } catch (IOException | RuntimeException e) {
            db.close();
            throw new StateStorageException("cannot recover the state log of " + this.file + ": " + e.getMessage(), e);
        }
    }

    private List<Path> segments() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(file.getParent(), file.getFileName() + ".log.*")) {
            dir.forEach(out::add);
        }
        out.sort((a, b) -> Long.compare(number(a), number(b)));
        return out;
    }

    private static long number(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
    }

    private Path segmentPath(long n) {
        return Path.of(file + ".log." + n);
    }

    private static String key(String module, String key) {
        return module.length() + ":" + module + key;
    }

    private static void apply(Map<String, String> target, String k, String state) {
        if (START.equals(state)) {
            target.remove(k);
        } else {
            target.put(k, state);
        }
    }

    @Override
    public String get(String module, String key) {
        String k = key(module, key);
        String state;
        data.lock();
        try {
            checkOpen();
            state = recent.get(k);
            if (state == null && flushing != null) {
                state = flushing.get(k);
            }
        } finally {
            data.unlock();
        }
        if (state == null) {
            store.readLock().lock();
            try {
                state = states.get(k);
            } finally {
                store.readLock().unlock();
            }
        }
        return state == null ? START : state;
    }

    /**
     * Counts the module's keys among the recent changes, then the rest in a pass over every key of
     * the MapDB file (about 10 µs a key on a loaded 2-core machine: 10 s for a million). The pass
     * shares the file with {@link #get}, so mail is not held up; a checkpoint waits for it (its
     * changes stay in the recent table meanwhile), since MapDB's iteration misses keys while the
     * map is being written.
     */
    @Override
    public Map<String, Long> countByState(String module) {
        String prefix = key(module, "");
        Map<String, String> recentOfModule = new HashMap<>();
        data.lock();
        try {
            checkOpen();
            for (Map<String, String> changes : flushing == null ? List.of(recent) : List.of(flushing, recent)) {
                changes.forEach((k, state) -> {
                    if (k.startsWith(prefix)) {
                        recentOfModule.put(k, state); // the newer table last: its change wins
                    }
                });
            }
        } finally {
            data.unlock();
        }
        Map<String, Long> out = new TreeMap<>();
        counting.incrementAndGet();
        store.readLock().lock();
        try {
            for (Map.Entry<String, String> e : states.entrySet()) {
                if (e.getKey().startsWith(prefix) && !recentOfModule.containsKey(e.getKey())) {
                    out.merge(e.getValue(), 1L, Long::sum);
                }
            }
        } finally {
            store.readLock().unlock();
            counting.decrementAndGet();
        }
        recentOfModule.values().stream().filter(state -> !START.equals(state)).forEach(state -> out.merge(state, 1L, Long::sum));
        return out;
    }

    @Override
    public void set(String module, String key, String state) {
        long mine;
        data.lock();
        try {
            checkOpen();
            log.append(module, key, state); // first: a change that cannot be logged is not made at all
            recent.put(key(module, key), state); // START is kept as a tombstone until flushed
            mine = ++written;
            diskFull.wrote();
            if (recent.size() >= checkpointChanges && flushing == null) {
                startFlush();
            }
        } catch (IOException e) {
            diskFull.failed(e);
            throw new StateStorageException("cannot write the state log of " + file + ": " + e.getMessage(), e);
        } finally {
            data.unlock();
        }
        if (!deferring.get()) {
            durability.await(mine, this::syncLog);
        }
    }

    @Override
    public void deferDurability(Runnable work, Runnable afterDurable) {
        boolean outer = !deferring.get();
        deferring.set(true);
        try {
            work.run();
        } finally {
            if (outer) {
                deferring.set(false);
            }
        }
        data.lock();
        try {
            checkOpen();
            deferred.add(new Deferred(written, afterDurable));
            if (deferredSyncer == null) {
                deferredSyncer = new Thread(this::syncDeferred, "tubemail-state-sync");
                deferredSyncer.setDaemon(true);
                deferredSyncer.start();
            }
            if (deferred.size() == 1) {
                deferredArrived.signal();
            }
        } finally {
            data.unlock();
        }
    }

    /** The deferred syncer: waits for actions, lets more gather, syncs once for all, runs them. */
    private void syncDeferred() {
        while (true) {
            data.lock();
            try {
                while (deferred.isEmpty() && !closed) {
                    deferredArrived.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
            } finally {
                data.unlock();
            }
            try {
                Thread.sleep(DEFER_WINDOW_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<Deferred> batch;
            data.lock();
            try {
                batch = new ArrayList<>(deferred);
                deferred.clear();
            } finally {
                data.unlock();
            }
            long upTo = batch.stream().mapToLong(Deferred::ticket).max().orElse(0);
            try {
                durability.await(upTo, this::syncLog);
            } catch (StateStorageException e) {
                if (isClosed()) { // closing raced with this sync; its checkpoint made every change durable
                    runAll(batch);
                    return;
                }
                if (!diskFull.failed(e)) {
                    LOG.error("{}; {} deferred action(s) wait for the next sync", e.getMessage(), batch.size());
                }
                data.lock();
                try {
                    deferred.addAll(0, batch); // their messages stay in the spool until a sync works
                } finally {
                    data.unlock();
                }
                try {
                    Thread.sleep(RETRY_SYNC_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            runAll(batch);
        }
    }

    private boolean isClosed() {
        data.lock();
        try {
            return closed;
        } finally {
            data.unlock();
        }
    }

    private static void runAll(List<Deferred> batch) {
        for (Deferred d : batch) {
            try {
                d.action().run();
            } catch (RuntimeException e) {
                LOG.error("an action after a deferred state sync failed: {}", e.toString());
            }
        }
    }

    /** Syncs the current segment; returns the last write number the sync covers. */
    private long syncLog() {
        StateLog current;
        long upTo;
        data.lock();
        try {
            current = log;
            upTo = written; // every write up to here is appended to this segment or an older, synced one
        } finally {
            data.unlock();
        }
        try {
            current.sync();
            return upTo;
        } catch (IOException | RuntimeException e) {
            throw new StateStorageException("cannot sync the state log of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts a new segment and writes the recent changes into MapDB in the background; holds the data lock. */
    private void startFlush() throws IOException {
        StateLog old = log;
        old.sync(); // everything written so far is durable before the segment is handed over
        durability.covered(written);
        log = new StateLog(segmentPath(++segment));
        flushing = recent;
        recent = new HashMap<>();
        Map<String, String> batch = flushing;
        Thread t = new Thread(() -> flush(batch, old), "tubemail-state-flush");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Takes the write lock for the background checkpoint; while a count reads the file, without
     * queueing for it, since a writer waiting in the queue would stop every new {@link #get} until
     * the count's long read ends.
     */
    private void writeWithoutQueueing() {
        while (!store.writeLock().tryLock()) {
            if (counting.get() == 0) {
                store.writeLock().lock();
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private void flush(Map<String, String> batch, StateLog oldSegment) {
        boolean failed = false;
        try {
            List<Map.Entry<String, String>> entries = new ArrayList<>(batch.entrySet());
            for (int i = 0; i < entries.size(); i += FLUSH_CHUNK) {
                writeWithoutQueueing();
                try {
                    for (Map.Entry<String, String> e : entries.subList(i, Math.min(entries.size(), i + FLUSH_CHUNK))) {
                        apply(states, e.getKey(), e.getValue());
                    }
                } finally {
                    store.writeLock().unlock();
                }
            }
            writeWithoutQueueing();
            try {
                db.commit();
            } finally {
                store.writeLock().unlock();
            }
            oldSegment.close();
            Files.delete(oldSegment.path());
            deleteRetained(takeRetained());
        } catch (IOException | RuntimeException | InternalError e) {
            // InternalError is how a fault in the mapped file shows, e.g. a full disk
            if (!diskFull.failed(e)) {
                LOG.error("writing recent states into {} failed: {}", file, e.toString());
            }
            failed = true;
        } finally {
            data.lock();
            try {
                if (failed) {
                    retained.add(oldSegment);
                    // keep serving (and later checkpointing) these changes; their segment stays until then
                    batch.forEach(recent::putIfAbsent);
                }
                flushing = null;
                flushed.signalAll();
            } finally {
                data.unlock();
            }
        }
    }

    /**
     * The segments kept by failed checkpoints, now covered by one that worked: their changes went
     * back into the recent changes, which that checkpoint wrote.
     */
    private List<StateLog> takeRetained() {
        data.lock();
        try {
            List<StateLog> covered = new ArrayList<>(retained);
            retained.clear();
            return covered;
        } finally {
            data.unlock();
        }
    }

    /**
     * Deletes segments whose changes a later checkpoint holds. They must go: replayed at the next
     * open after newer segments were deleted, they would bring old states back.
     */
    private void deleteRetained(List<StateLog> covered) throws IOException {
        for (StateLog old : covered) {
            old.close();
            Files.deleteIfExists(old.path());
        }
    }

    /** Waits for a background flush, then writes the recent changes into MapDB; holds the data lock. */
    private void checkpoint() throws IOException {
        while (flushing != null) {
            flushed.awaitUninterruptibly();
        }
        log.sync();
        durability.covered(written);
        store.writeLock().lock();
        try {
            recent.forEach((k, v) -> apply(states, k, v));
            db.commit();
        } finally {
            store.writeLock().unlock();
        }
        recent.clear();
        log.reset();
        deleteRetained(takeRetained());
    }

    @Override
    public void clear() {
        data.lock();
        try {
            checkOpen();
            checkpoint();
            store.writeLock().lock();
            try {
                states.clear();
                db.commit();
            } finally {
                store.writeLock().unlock();
            }
        } catch (IOException e) {
            throw new StateStorageException("cannot clear the state log of " + file + ": " + e.getMessage(), e);
        } finally {
            data.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StateStorageException("state file " + file + " is closed", null);
        }
    }

    /** Writes every change into MapDB and closes the file; closing twice is harmless. */
    @Override
    public void close() {
        List<Deferred> after = List.of();
        data.lock();
        try {
            if (!closed) {
                checkpoint();
                closed = true;
                log.close();
                Files.deleteIfExists(log.path());
                db.close();
                after = new ArrayList<>(deferred); // the checkpoint made their changes durable
                deferred.clear();
                deferredArrived.signalAll();
            }
        } catch (IOException e) {
            throw new StateStorageException("cannot close the state log of " + file + ": " + e.getMessage(), e);
        } finally {
            data.unlock();
        }
        runAll(after);
    }

    /** The state file. */
    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "MapDbStorage[" + file + "]";
    }
}
