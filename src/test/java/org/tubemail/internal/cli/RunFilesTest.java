package org.tubemail.internal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pid file: a live process counts as the server only if it started before the file was written. */
class RunFilesTest {

    @TempDir
    Path home;

    @Test
    void aLiveProcessThatStartedBeforeThePidFileIsTheServer() throws Exception {
        RunFiles files = new RunFiles(home);
        files.writePid(ProcessHandle.current().pid());
        assertEquals(ProcessHandle.current().pid(), files.running().orElseThrow().pid());
    }

    @Test
    void aPidReusedByAProcessStartedAfterTheFileIsNotTheServerAndIsNotStopped() throws Exception {
        RunFiles files = new RunFiles(home);
        Process stranger = new ProcessBuilder("sleep", "60").start(); // another program, started after the "crash"
        try {
            files.writePid(stranger.pid());
            Files.setLastModifiedTime(files.pidFile(), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            assertTrue(files.running().isEmpty(), "a process younger than the pid file only reuses its number");

            CliRun stop = CliRun.of(home, "stop");
            assertEquals(0, stop.code(), stop.err());
            assertTrue(stop.out().contains("Tubemail is not running"), stop.out());
            assertFalse(stranger.waitFor(1, TimeUnit.SECONDS), "stop must not signal a process that is not the server");
            assertFalse(Files.exists(files.pidFile()), "the stale pid file is removed");
        } finally {
            stranger.destroyForcibly();
        }
    }
}
