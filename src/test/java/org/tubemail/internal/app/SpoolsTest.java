package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.DeduplicatingQueue;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spool settings: kinds, the local de-duplication window, and errors that name the key. */
class SpoolsTest {

    @TempDir
    Path home;

    private MessageQueue open(Map<String, String> values) {
        return Spools.open(Settings.of("settings.properties", home, values), Monitor.NONE, 4);
    }

    @Test
    void localSpoolsDeduplicateOnlyWhenAsked() throws Exception {
        try (LogQueue q = (LogQueue) open(Map.of())) {
            assertInstanceOf(LogQueue.class, q);
        }
        assertInstanceOf(MaildirQueue.class, open(Map.of("queue.spool.kind", "maildir")));
        try (DeduplicatingQueue q = (DeduplicatingQueue) open(Map.of("queue.spool", "run/spool2", "queue.dedup.window.seconds", "60"))) {
            assertInstanceOf(DeduplicatingQueue.class, q);
        }
    }

    @Test
    void badSpoolSettingsNameTheKey() {
        ConfigException kind = assertThrows(ConfigException.class, () -> open(Map.of("queue.spool.kind", "pg")));
        assertTrue(kind.getMessage().contains("queue.spool.kind"), kind.getMessage());
        ConfigException url = assertThrows(ConfigException.class, () -> open(Map.of("queue.spool.kind", "postgres")));
        assertTrue(url.getMessage().contains("storage.postgres.url"), url.getMessage());
        ConfigException unreachable = assertThrows(ConfigException.class, () -> open(Map.of("queue.spool.kind", "postgres",
                "storage.postgres.url", "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2")));
        assertTrue(unreachable.getMessage().contains("queue.spool.kind = postgres"), unreachable.getMessage());
        ConfigException window = assertThrows(ConfigException.class, () -> open(Map.of("queue.dedup.window.seconds", "soon")));
        assertTrue(window.getMessage().contains("queue.dedup.window.seconds"), window.getMessage());
    }
}
