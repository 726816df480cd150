package org.tubemail.internal.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} during writes: after each crash the file reopens cleanly and holds every state
 * change whose {@code set} had returned (each key's last acknowledged state, or a later one).
 */
class MapDbCrashTest {

    @TempDir
    Path dir;

    @Test
    void acknowledgedChangesSurviveKillMinus9() throws Exception {
        Path file = dir.resolve("state.db");
        int totalAcked = 0;
        for (int round = 1; round <= 3; round++) {
            Process child = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), MapDbWriterProcess.class.getName(), file.toString(), String.valueOf(round)))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Map<String, Long> lastAcked = new HashMap<>();
            long started = System.nanoTime();
            int acked = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] p = line.split(" ");
                    if (p.length == 3 && p[0].equals("ack")) {
                        lastAcked.merge(p[1], Long.parseLong(p[2].substring(1)), Math::max);
                        acked++;
                    }
                    if (acked >= 2_000 || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(20)) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                        break;
                    }
                }
            }
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertTrue(acked > 0, "round " + round + ": the writer acknowledged nothing");
            int present = 0;
            int lost = 0;
            try (MapDbStorage reopened = new MapDbStorage(file)) {
                for (Map.Entry<String, Long> e : lastAcked.entrySet()) {
                    long stored = Long.parseLong(reopened.get("crash", e.getKey()).substring(1));
                    if (stored >= e.getValue()) {
                        present++;
                    } else {
                        lost++;
                    }
                }
            }
            totalAcked += acked;
            System.out.printf("round %d: acknowledged %d changes over %d keys, present %d, lost %d%n", round, acked,
                    lastAcked.size(), present, lost);
            assertEquals(0, lost, "acknowledged state changes lost after kill -9 in round " + round);
        }
        assertTrue(totalAcked >= 3, "the writers made progress");
    }
}
