package org.tubemail.crash;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Tubemail server in a child JVM ({@code tubemail start} on the test class path), for tests that
 * kill it with SIGKILL. Its handler ({@link RecordingHandler}) logs to {@code run/handled.log}, its
 * output goes to {@code server.log}.
 */
final class ChildServer {

    private ChildServer() {
    }

    /** Starts the server of project {@code home} and returns once it listens on SMTP port {@code port}. */
    static Process start(Path home, int port) throws Exception {
        return start(home, port, home.resolve("run/handled.log"), 0);
    }

    /**
     * Starts the server as {@link #start(Path, int)} does, its handler logging to {@code log} (which
     * several servers may share) and taking {@code handlerMillis} for each message.
     */
    static Process start(Path home, int port, Path log, int handlerMillis) throws Exception {
        return start(home, port, log, handlerMillis, false);
    }

    /** As {@link #start(Path, int, Path, int)}; {@code peers}: the handler also logs each message's client address. */
    static Process start(Path home, int port, Path log, int handlerMillis, boolean peers) throws Exception {
        Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dtubemail.crash.log=" + log, "-Dtubemail.crash.delay.ms=" + handlerMillis, "-Dtubemail.crash.peer=" + peers, "-cp", System.getProperty("java.class.path"),
                "org.tubemail.cli.TubemailCli", "--home", home.toString(), "start"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (java.io.IOException e) {
                if (!p.isAlive()) {
                    throw new AssertionError("server exited: " + Files.readString(home.resolve("server.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("server did not listen within 60 s");
    }
}
