package org.tubemail.internal.autoreply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.StateStorageException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapDbAutoReplyLogTest extends AutoReplyLogContract {

    @TempDir
    Path dir;

    @Override
    protected AutoReplyLog open() {
        return new MapDbAutoReplyLog(dir.resolve("run/auto-replies.db"));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void aSecondOpenOfTheSameFileFailsWithAClearMessage() {
        StateStorageException e = assertThrows(StateStorageException.class, () -> new MapDbAutoReplyLog(dir.resolve("run/auto-replies.db")));
        assertTrue(e.getMessage().contains("auto-replies.db"), e.getMessage());
    }

    @Test
    void besideAMapDbStateFileIsAFileInItsFolder() {
        try (MapDbStorage states = new MapDbStorage(dir.resolve("other/state.db"));
             AutoReplyLog beside = AutoReplyLogs.beside(states)) {
            assertEquals(dir.resolve("other/auto-replies.db").toAbsolutePath(), ((MapDbAutoReplyLog) beside).file());
        }
    }
}
