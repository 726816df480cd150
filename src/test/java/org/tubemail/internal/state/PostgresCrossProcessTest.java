package org.tubemail.internal.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two Tubemail processes on one database: one key at a time across them, no lost update. */
class PostgresCrossProcessTest {

    private static final int PER_PROCESS = 40;
    private static final String SENDER = "bob@example.org";

    private PostgresStorage storage;

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    @BeforeEach
    void clean() {
        storage = PgTestDb.open();
        storage.clear();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void twoProcessesIncrementingOneKeyLoseNoUpdate() throws Exception {
        runWorkers("locked");
        assertEquals("N" + 2 * PER_PROCESS, storage.get("tally", SENDER));
    }

    /** The same run without the cross-process lock loses updates: the test above can fail. */
    @Test
    void withoutTheKeyLockUpdatesAreLost() throws Exception {
        runWorkers("unlocked");
        int n = Integer.parseInt(storage.get("tally", SENDER).substring(1));
        assertTrue(n < 2 * PER_PROCESS, "expected lost updates without the lock, got N" + n);
    }

    private static void runWorkers(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                workers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        PgCounterWorker.class.getName(), SENDER,
                        String.valueOf(PER_PROCESS), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            List<BufferedReader> outs = new ArrayList<>();
            for (Process p : workers) {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.equals("ready")) {
                    // logging noise before the router is up
                }
                assertEquals("ready", line, "worker died before it was ready");
                outs.add(out);
            }
            for (Process p : workers) {
                Writer go = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                go.write("go\n");
                go.flush();
            }
            for (int i = 0; i < workers.size(); i++) {
                assertTrue(workers.get(i).waitFor(60, TimeUnit.SECONDS), "worker " + i + " hangs");
                assertEquals(0, workers.get(i).exitValue(), "worker " + i + " failed");
                String rest = outs.get(i).lines().reduce("", (a, b) -> a + b + "\n");
                assertTrue(rest.contains("done"), "worker " + i + " did not finish: " + rest);
            }
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }
}
