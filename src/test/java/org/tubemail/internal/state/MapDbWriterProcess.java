package org.tubemail.internal.state;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link MapDbCrashTest}: writes states from several threads forever and prints
 * {@code ack <key> <state>} once each change is promised durable, until it is killed: half the
 * threads when {@code set} returns, the other half from the {@code afterDurable} action of
 * {@link MapDbStorage#deferDurability}.
 */
public final class MapDbWriterProcess {

    private MapDbWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String round = args[1];
        MapDbStorage storage = new MapDbStorage(file);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (long i = 0; ; i++) {
                    String key = "r" + round + "-t" + id + "-k" + (i % 50);
                    String state = "S" + i;
                    Runnable ack = () -> {
                        synchronized (out) {
                            out.println("ack " + key + " " + state);
                            out.flush();
                        }
                    };
                    if (id % 2 == 0) {
                        storage.set("crash", key, state);
                        ack.run();
                    } else {
                        storage.deferDurability(() -> storage.set("crash", key, state), ack);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        System.err.println("ready");
        for (Thread th : threads) {
            th.join();
        }
    }
}
