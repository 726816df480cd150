package org.tubemail.internal.state;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What callers see when the database is not there, and that the storage recovers when it returns. */
class PostgresUnavailableTest {

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void nothingListeningFailsFastWithTheUrlAndNoPassword() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + deadPort() + "/tubemail?password=s3cret";
        long t0 = System.nanoTime();
        StateStorageUnavailableException e = assertThrows(StateStorageUnavailableException.class,
                () -> new PostgresStorage(url, "tubemail", "s3cret", 2, Duration.ofSeconds(1)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5_000, "took " + ms + " ms");
        assertTrue(e.getMessage().startsWith("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("password=***"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("refused"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void closedStorageSaysSo() {
        PgTestDb.assumeConfigured();
        PostgresStorage s = PgTestDb.open();
        s.close();
        StateStorageUnavailableException e = assertThrows(StateStorageUnavailableException.class, () -> s.get("mod", "k"));
        assertTrue(e.getMessage().startsWith("cannot read state of mod/k in PostgreSQL at " + PgTestDb.URL), e.getMessage());
    }

    /** Starts a second throwaway cluster with .ci/postgres.sh, stops it under a live storage, starts it again. */
    @Test
    void databaseGoesAwayAndComesBack() throws Exception {
        PgTestDb.assumeConfigured(); // the script's binaries are there: CI started the main cluster with it
        Path dir = Files.createTempDirectory("tubemail-pg-");
        try {
            Map<String, String> env = cluster("start", dir);
            try (PostgresStorage s = new PostgresStorage(env.get("TUBEMAIL_PG_URL"), env.get("TUBEMAIL_PG_USER"),
                    env.get("TUBEMAIL_PG_PASSWORD"), 2, Duration.ofSeconds(1))) {
                s.set("mod", "bob", "ONE");
                cluster("stop", dir);

                long t0 = System.nanoTime();
                StateStorageUnavailableException e = assertThrows(StateStorageUnavailableException.class,
                        () -> s.set("mod", "bob", "TWO"));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms < 5_000, "took " + ms + " ms");
                assertTrue(e.getMessage().startsWith("cannot write state TWO for mod/bob in PostgreSQL at "
                        + env.get("TUBEMAIL_PG_URL")), e.getMessage());
                assertThrows(StateStorageUnavailableException.class, () -> s.withKeyLock("mod", "bob", () -> "ran"));

                cluster("restart", dir);
                assertEquals("ONE", s.get("mod", "bob"));
                assertEquals("ran", s.withKeyLock("mod", "bob", () -> "ran"));
                s.set("mod", "bob", "TWO");
                assertEquals("TWO", s.get("mod", "bob"));
            }
        } finally {
            cluster("clean", dir);
        }
    }

    /** Runs {@code .ci/postgres.sh COMMAND DIR [MORE...]} and returns the variables it printed (DIR/env for start and standby). */
    static Map<String, String> cluster(String command, Path dir, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("bash", ".ci/postgres.sh", command, dir.toString()));
        args.addAll(List.of(more));
        Process p = new ProcessBuilder(args)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "postgres.sh " + command + " hangs");
        assertEquals(0, p.exitValue(), "postgres.sh " + command + " failed");
        Map<String, String> env = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("export ") && line.contains("=")) {
                String kv = line.substring("export ".length());
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return env;
    }
}
