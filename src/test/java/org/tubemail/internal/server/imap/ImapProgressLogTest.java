package org.tubemail.internal.server.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IMAP progress journal: reopen, a line torn by a crash, compaction. */
class ImapProgressLogTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastCompleteLineIgnoresATornOneAndCompacts() throws Exception {
        Path file = dir.resolve("imap/box.progress");
        try (ImapProgressLog log = new ImapProgressLog(file)) {
            assertEquals(ImapProgress.NONE, log.current());
            log.record(new ImapProgress(42, 7, "<a@x> <b@x>"));
            log.record(new ImapProgress(42, 8, ""));
        }
        Files.writeString(file, "42 9 <c@", StandardCharsets.UTF_8, StandardOpenOption.APPEND); // torn by a crash
        try (ImapProgressLog log = new ImapProgressLog(file)) {
            assertEquals(new ImapProgress(42, 8, ""), log.current());
            for (int uid = 9; uid < 3000; uid++) {
                log.record(new ImapProgress(42, uid, "<m" + uid + "@example.org>"));
            }
        }
        assertTrue(Files.size(file) < 70 * 1024, "compacted: " + Files.size(file));
        try (ImapProgressLog log = new ImapProgressLog(file)) {
            assertEquals(new ImapProgress(42, 2999, "<m2999@example.org>"), log.current());
        }
    }
}
