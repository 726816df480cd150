package org.tubemail.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The server's files under {@code run/}: pid file and log. */
final class RunFiles {

    /** How much later than its pid file a process may seem to have started (process start times are estimates). */
    private static final Duration START_SLACK = Duration.ofSeconds(2);

    private final Path run;

    RunFiles(Path home) {
        this.run = home.resolve("run");
    }

    Path pidFile() {
        return run.resolve("tubemail.pid");
    }

    Path logFile() {
        return run.resolve("logs").resolve("tubemail.log");
    }

    /**
     * The running server's process, if the pid file names a live one that started before the file
     * was written. A process that started later only reuses the number of a server that died
     * without removing its file (after {@code kill -9}, a reboot, or a container restarted with
     * the same {@code run/}): it is none of ours, so it is neither reported running nor stopped.
     */
    Optional<ProcessHandle> running() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(), StandardCharsets.US_ASCII).trim());
            Instant written = Files.getLastModifiedTime(pidFile()).toInstant();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> startedBefore(p, written));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code p} started before {@code written}, give or take the clock's rounding; true when the system does not say. */
    private static boolean startedBefore(ProcessHandle p, Instant written) {
        return p.info().startInstant().map(started -> started.isBefore(written.plus(START_SLACK))).orElse(true);
    }

    void writePid(long pid) throws IOException {
        Files.createDirectories(run);
        Path tmp = run.resolve("tubemail.pid.tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, pidFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Asks the server about to get SIGTERM to stop at once rather than drain ({@code stop} without
     * {@code --drain}); {@link #takeStopNow} reads and removes the request.
     */
    void requestStopNow() throws IOException {
        Files.createDirectories(run);
        Files.writeString(run.resolve("stop-now"), "", StandardCharsets.US_ASCII);
    }

    /** Whether {@code stop} asked for a stop without drain; forgets the request. */
    boolean takeStopNow() {
        try {
            return Files.deleteIfExists(run.resolve("stop-now"));
        } catch (IOException e) {
            return false;
        }
    }

    void removePid() {
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            // a stale pid file is recognised by running() anyway
        }
    }
}
