package org.tubemail.bench;

import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateStorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** Opens the state storages the storage benchmarks compare, each in a fresh temporary folder. */
final class Stores {

    /** The module name every benchmark key is stored under. */
    static final String MODULE = "bench.module";

    private final Path dir;
    private final StateStorage storage;

    private Stores(Path dir, StateStorage storage) {
        this.dir = dir;
        this.storage = storage;
    }

    /** Opens {@code kind}: {@code memory} or {@code mapdb} (a new file, transactions on). */
    static Stores open(String kind) {
        try {
            Path dir = Files.createTempDirectory("tubemail-bench-");
            StateStorage s = switch (kind) {
                case "memory" -> new MemoryStorage();
                case "mapdb" -> new MapDbStorage(dir.resolve("state.db"));
                default -> throw new IllegalArgumentException("unknown storage '" + kind + "': use memory or mapdb");
            };
            return new Stores(dir, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    StateStorage storage() {
        return storage;
    }

    /** Sets every key to {@code state}, from 64 threads so that a group-committing storage is quick about it. */
    void fill(String[] keys, String state) {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String k : keys) {
                done.add(pool.submit(() -> storage.set(MODULE, k, state)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot fill the storage", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Closes the storage and deletes its folder. */
    void close() {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} distinct sender keys. */
    static String[] keys(int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = "sender" + i + "@client" + (i % 97) + ".example.org";
        }
        return keys;
    }
}
