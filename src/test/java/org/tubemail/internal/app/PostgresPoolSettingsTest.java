package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.internal.state.StateStorageUnavailableException;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code storage.postgres.pool.size} and {@code storage.postgres.connection.timeout.seconds} reach the pool. */
class PostgresPoolSettingsTest {

    @TempDir
    Path home;

    private StateStorage open(int poolSize) {
        return Storages.create(Settings.of("test.properties", home, Map.of("storage.kind", "postgres",
                "storage.postgres.url", PgTestDb.URL, "storage.postgres.user", PgTestDb.USER,
                "storage.postgres.password", PgTestDb.PASSWORD, "storage.postgres.pool.size", String.valueOf(poolSize),
                "storage.postgres.connection.timeout.seconds", "1")));
    }

    /** What a second thread gets while the only other connection holds a key lock. */
    private static String secondKeyWhileFirstIsHeld(StateStorage storage) {
        return storage.withKeyLock("pool", "first", () -> CompletableFuture.supplyAsync(() -> {
            try {
                return storage.get("pool", "second");
            } catch (StateStorageUnavailableException e) {
                return e.getMessage();
            }
        }).join());
    }

    @Test
    void thePoolHasTheConfiguredSizeAndWaitsTheConfiguredTime() {
        PgTestDb.assumeConfigured();
        try (StateStorage one = open(1)) {
            String answer = secondKeyWhileFirstIsHeld(one);
            assertTrue(answer.startsWith("cannot read state of pool/second in PostgreSQL at "), answer);
            assertTrue(answer.contains("timed out"), "no second connection: " + answer);
        }
        try (StateStorage two = open(2)) {
            assertEquals(StateStorage.START, secondKeyWhileFirstIsHeld(two));
        }
    }
}
