package org.tubemail.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapDbStorageTest extends StateStorageContract {

    @TempDir
    Path dir;

    @Override
    protected StateStorage open() {
        return new MapDbStorage(dir.resolve("run/state.db"));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void aSecondOpenOfTheSameFileFailsWithAClearMessage() {
        StateStorageException e = assertThrows(StateStorageException.class, () -> new MapDbStorage(dir.resolve("run/state.db")));
        assertTrue(e.getMessage().contains("state.db") && e.getMessage().contains("another Tubemail process"), e.getMessage());
    }

    @Test
    void closedStorageRefusesWork() {
        storage.close();
        storage.close();
        assertThrows(StateStorageException.class, () -> storage.get("m", "k"));
    }
}
