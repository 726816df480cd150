package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.StateStorageException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapDbGreylistStoreTest extends GreylistStoreContract {

    @TempDir
    Path dir;

    @Override
    protected GreylistStore open() {
        return new MapDbGreylistStore(dir.resolve("run/greylist.db"));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void aSecondOpenOfTheSameFileFailsWithAClearMessage() {
        StateStorageException e = assertThrows(StateStorageException.class, () -> new MapDbGreylistStore(dir.resolve("run/greylist.db")));
        assertTrue(e.getMessage().contains("greylist.db"), e.getMessage());
    }

    @Test
    void besideAMapDbStateFileIsAFileInItsFolder() {
        try (MapDbStorage states = new MapDbStorage(dir.resolve("other/state.db"));
             GreylistStore beside = GreylistStores.beside(states)) {
            assertEquals(dir.resolve("other/greylist.db").toAbsolutePath(), ((MapDbGreylistStore) beside).file());
        }
    }
}
