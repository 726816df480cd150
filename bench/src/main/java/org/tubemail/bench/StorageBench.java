package org.tubemail.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * State storage get and set throughput, one and two threads, for {@code MemoryStorage} (the
 * baseline) and {@code MapDbStorage} (durable: a set returns once committed). 10,000 sender keys,
 * filled in before measuring; each thread reads and writes its own keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StorageBench {

    static final int KEYS = 10_000;

    @Param({"memory", "mapdb"})
    public String store;

    Stores stores;
    String[] keys;

    @Setup(Level.Trial)
    public void setUp() {
        stores = Stores.open(store);
        keys = Stores.keys(KEYS);
        stores.fill(keys, "ACTIVE");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stores.close();
    }

    @Benchmark
    @Threads(1)
    public String get1Thread(KeyCursor cursor) {
        return stores.storage().get(Stores.MODULE, keys[cursor.next(KEYS)]);
    }

    @Benchmark
    @Threads(2)
    public String get2Threads(KeyCursor cursor) {
        return stores.storage().get(Stores.MODULE, keys[cursor.next(KEYS)]);
    }

    @Benchmark
    @Threads(1)
    public void set1Thread(KeyCursor cursor) {
        stores.storage().set(Stores.MODULE, keys[cursor.next(KEYS)], cursor.state());
    }

    @Benchmark
    @Threads(2)
    public void set2Threads(KeyCursor cursor) {
        stores.storage().set(Stores.MODULE, keys[cursor.next(KEYS)], cursor.state());
    }
}
