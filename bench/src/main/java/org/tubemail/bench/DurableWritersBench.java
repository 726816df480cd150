package org.tubemail.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * Many writers on {@code MapDbStorage}: 64 threads each changing its own senders' states, as 64
 * SMTP sessions would. Every completed set is a committed (durable) state change; the target is
 * at least 20,000 per second, which only group commit can reach.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableWritersBench {

    Stores stores;
    String[] keys;

    @Setup(Level.Trial)
    public void setUp() {
        stores = Stores.open("mapdb");
        keys = Stores.keys(StorageBench.KEYS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stores.close();
    }

    @Benchmark
    @Threads(64)
    public void set64Threads(KeyCursor cursor) {
        stores.storage().set(Stores.MODULE, keys[cursor.next(StorageBench.KEYS)], cursor.state());
    }
}
