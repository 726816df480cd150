package org.tubemail.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The server's files under {@code run/}: pid file and log. */
final class RunFiles {

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

    /** The running server's process, if the pid file names a live one. */
    Optional<ProcessHandle> running() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(), StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
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
