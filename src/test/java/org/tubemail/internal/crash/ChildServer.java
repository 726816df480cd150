package org.tubemail.internal.crash;

import java.io.File;
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

    /**
     * As {@link #start(Path, int, Path, int)}; {@code peers}: the handler also logs each message's client address.
     * Returns once this child says it listens on {@code port} (its start line, with its pid): a connection
     * alone could reach another program that holds the port meanwhile (the port was only free when the
     * test chose it), and mail sent there would count as accepted and then be missing.
     */
    static Process start(Path home, int port, Path log, int handlerMillis, boolean peers) throws Exception {
        Path output = home.resolve("server.log");
        long from = Files.exists(output) ? Files.size(output) : 0; // the lines of earlier starts are not this one's
        Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dtubemail.crash.log=" + log, "-Dtubemail.crash.delay.ms=" + handlerMillis, "-Dtubemail.crash.peer=" + peers, "-cp", System.getProperty("java.class.path"),
                "org.tubemail.internal.cli.TubemailCli", "--home", home.toString(), "start"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (listens(output, from, port, p.pid())) {
                return p;
            }
            if (!p.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(output));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("server did not listen within 120 s: " + Files.readString(output));
    }

    /** Whether the output after {@code from} has the start line of process {@code pid} listening on {@code port}. */
    private static boolean listens(Path output, long from, int port, long pid) throws java.io.IOException {
        byte[] all = Files.readAllBytes(output);
        String since = new String(all, (int) Math.min(from, all.length), all.length - (int) Math.min(from, all.length),
                java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("Tubemail listening on SMTP \\S+:" + port + "[ ,].*\\(pid " + pid + "\\).*");
        return since.lines().anyMatch(l -> line.matcher(l).matches());
    }
}
