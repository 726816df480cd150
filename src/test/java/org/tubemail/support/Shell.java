package org.tubemail.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a real command (a launcher, Maven, tar) in a folder and returns its exit code and output. */
public final class Shell {

    /** A finished command: exit code and combined stdout and stderr. */
    public record Result(int code, String output) {
        /** True when the output holds an ANSI escape sequence. */
        public boolean hasAnsiEscapes() {
            return output.indexOf('\u001b') >= 0;
        }
    }

    private Shell() {
    }

    /**
     * Runs {@code command} in {@code dir}, its standard input empty, waiting at most
     * {@code timeoutSeconds}; {@code env} edits the environment.
     */
    public static Result run(Path dir, long timeoutSeconds, Consumer<Map<String, String>> env, List<String> command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("tubemail-shell", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            env.accept(pb.environment());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " in " + dir + " took over " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs {@code command} with this JVM's environment. */
    public static Result run(Path dir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        return run(dir, timeoutSeconds, env -> { }, List.of(command));
    }

    /** A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon after). */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
