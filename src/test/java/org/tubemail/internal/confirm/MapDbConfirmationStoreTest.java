package org.tubemail.internal.confirm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.StateStorageException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapDbConfirmationStoreTest extends ConfirmationStoreContract {

    @TempDir
    Path dir;

    @Override
    protected ConfirmationStore open() {
        return new MapDbConfirmationStore(dir.resolve("run/confirmations.db"));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void aSecondOpenOfTheSameFileFailsWithAClearMessage() {
        StateStorageException e = assertThrows(StateStorageException.class,
                () -> new MapDbConfirmationStore(dir.resolve("run/confirmations.db")));
        assertTrue(e.getMessage().contains("confirmations.db"), e.getMessage());
    }

    @Test
    void besideAMapDbStateFileIsAFileInItsFolder() {
        try (MapDbStorage states = new MapDbStorage(dir.resolve("other/state.db"));
             ConfirmationStore beside = ConfirmationStores.beside(states)) {
            assertEquals(dir.resolve("other/confirmations.db").toAbsolutePath(), ((MapDbConfirmationStore) beside).file());
        }
    }
}
