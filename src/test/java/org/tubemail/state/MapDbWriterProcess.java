package org.tubemail.state;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link MapDbCrashTest}: writes states from several threads forever and prints
 * {@code ack <key> <state>} after each {@code set} returns, until it is killed.
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
                    storage.set("crash", key, state);
                    synchronized (out) {
                        out.println("ack " + key + " " + state);
                        out.flush();
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
