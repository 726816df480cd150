package org.tubemail.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A throwaway Postfix instance of its own ({@code postfix -c DIR}): configuration, queue and data
 * directories under one folder, {@code smtpd} on a free loopback port, its log in {@code DIR/maillog},
 * no chroot, fast retries (queue run and backoff 1-2 s). Needs root (Postfix's master runs as root
 * and drops to the {@code postfix} user) and the {@code postfix} package.
 */
public final class PostfixInstance implements AutoCloseable {

    private static final String MASTER_CF = String.join("\n",
            "pickup    unix  n  -  n  60    1  pickup",
            "cleanup   unix  n  -  n  -     0  cleanup",
            "qmgr      unix  n  -  n  300   1  qmgr",
            "rewrite   unix  -  -  n  -     -  trivial-rewrite",
            "bounce    unix  -  -  n  -     0  bounce",
            "defer     unix  -  -  n  -     0  bounce",
            "trace     unix  -  -  n  -     0  bounce",
            "verify    unix  -  -  n  -     1  verify",
            "flush     unix  n  -  n  1000? 0  flush",
            "proxymap  unix  -  -  n  -     -  proxymap",
            "smtp      unix  -  -  n  -     -  smtp",
            "relay     unix  -  -  n  -     -  smtp",
            "showq     unix  n  -  n  -     -  showq",
            "error     unix  -  -  n  -     -  error",
            "retry     unix  -  -  n  -     -  error",
            "discard   unix  -  -  n  -     -  discard",
            "lmtp      unix  -  -  n  -     -  lmtp",
            "anvil     unix  -  -  n  -     1  anvil",
            "scache    unix  -  -  n  -     1  scache",
            "postlog   unix-dgram n  -  n  -  1  postlogd", "");

    private final Path postfix;
    private final Path dir;
    private final int smtpPort;
    private boolean ownsDir;

    private PostfixInstance(Path postfix, Path dir, int smtpPort) {
        this.postfix = postfix;
        this.dir = dir;
        this.smtpPort = smtpPort;
    }

    /**
     * An instance in a new folder under {@code /tmp} (named after {@code name}; removed by {@link #close})
     * that relays by the {@code transport} table (lines such as {@code example.com smtp:[127.0.0.1]:PORT},
     * see {@link #route}), takes any recipient, and looks up no DNS; {@code mainCf} adds lines.
     */
    public static PostfixInstance routing(String name, List<String> transport, String... mainCf) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "tubemail-" + name);
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/transport"), String.join("\n", transport) + "\n");
        List<String> lines = new java.util.ArrayList<>(List.of("transport_maps = texthash:" + dir.resolve("etc/transport"),
                "smtpd_reject_unlisted_recipient = no", "smtp_dns_support_level = disabled"));
        lines.addAll(List.of(mainCf));
        PostfixInstance instance;
        try {
            instance = start(dir, lines);
        } catch (IOException | InterruptedException | RuntimeException e) {
            delete(dir);
            throw e;
        }
        instance.ownsDir = true;
        return instance;
    }

    /** Rewrites the transport table of an instance made by {@link #routing} and reloads Postfix. */
    public void route(List<String> transport) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("etc/transport"), String.join("\n", transport) + "\n");
        postfix("reload");
        Thread.sleep(500); // the reloaded daemons read the table as they start
    }

    /**
     * Configures and starts an instance in {@code dir} (made world-traversable so that Postfix's
     * unprivileged processes reach it), with the given extra {@code main.cf} lines.
     */
    public static PostfixInstance start(Path dir, List<String> mainCf) throws IOException, InterruptedException {
        Path postfix = RealParts.require("postfix", "postfix");
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "a Postfix instance of its own needs root (its master drops to the postfix user)");
        Files.createDirectories(dir);
        for (Path p = dir; p != null && !p.equals(Path.of("/tmp")) && !p.equals(p.getRoot()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("data"));
        run(List.of("chown", "postfix", dir.resolve("data").toString()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String main = String.join("\n", List.of(
                "compatibility_level = 3.6",
                "queue_directory = " + dir.resolve("queue"),
                "data_directory = " + dir.resolve("data"),
                "mail_owner = postfix",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "myhostname = postfix.test",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                "queue_run_delay = 1s",
                "minimal_backoff_time = 1s",
                "maximal_backoff_time = 2s",
                "maillog_file_prefixes = " + dir,
                "maillog_file = " + dir.resolve("maillog"),
                "smtputf8_enable = no",
                "alias_maps =",
                "alias_database =",
                "local_recipient_maps =",
                "biff = no")) + "\n" + String.join("\n", mainCf) + "\n";
        Files.writeString(dir.resolve("etc/main.cf"), main);
        Files.writeString(dir.resolve("etc/master.cf"), "127.0.0.1:" + port + " inet n - n - - smtpd\n" + MASTER_CF);
        PostfixInstance instance = new PostfixInstance(postfix, dir, port);
        instance.postfix("start");
        return instance;
    }

    /** The port Postfix's {@code smtpd} listens on (127.0.0.1). */
    public int smtpPort() {
        return smtpPort;
    }

    /** Postfix's log so far. */
    public String log() throws IOException {
        Path log = dir.resolve("maillog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits up to {@code limit} for the log to satisfy {@code test}; returns the log. */
    public String awaitLog(Predicate<String> test, Duration limit) throws IOException, InterruptedException {
        return awaitLog(test, limit, null);
    }

    /**
     * Has Postfix try every queued message now, whatever its backoff ({@code postqueue -f}: the queue
     * manager scans the deferred and incoming queues ignoring the files' time stamps). A test that waits
     * for a retry needs it as a fallback: when the queue manager finds a message's file still locked by
     * the process that just deferred it (a loaded machine; "skipped, still being delivered" in the log),
     * it puts the message back with a time stamp 60 s ahead, so Postfix's own schedule (backoff 1-2 s)
     * no longer retries it within a test's wait.
     */
    public void flushQueue() throws IOException, InterruptedException {
        run(List.of(postfix.resolveSibling("postqueue").toString(), "-c", dir.resolve("etc").toString(), "-f"));
    }

    /**
     * {@link #flushQueue} as a fallback in a wait: a failed flush (Postfix busy, say) is printed, not
     * thrown, and the wait's own deadline and assertions decide.
     */
    public void flushQueueQuietly() throws InterruptedException {
        try {
            flushQueue();
        } catch (IOException e) {
            System.err.println("postqueue -f failed, waiting on: " + e.getMessage());
        }
    }

    /**
     * As {@link #awaitLog}, for a condition that needs Postfix to retry deferred mail: once
     * {@code flushAfter} has passed without the log satisfying {@code test}, and every
     * {@code flushAfter} after that, flushes the queue ({@link #flushQueue}). Postfix's own retries
     * still come first; the flush only keeps one that a loaded machine pushed 60 s back from
     * outlasting the wait.
     */
    public String awaitLogFlushing(Predicate<String> test, Duration limit, Duration flushAfter)
            throws IOException, InterruptedException {
        return awaitLog(test, limit, flushAfter);
    }

    /** Polls the log until {@code test} holds or {@code limit} passes; flushes the queue every {@code flushAfter} unless null. */
    private String awaitLog(Predicate<String> test, Duration limit, Duration flushAfter) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long nextFlush = flushAfter == null ? 0 : start + flushAfter.toNanos();
        String log = log();
        while (!test.test(log) && System.nanoTime() < deadline) {
            if (flushAfter != null && System.nanoTime() - nextFlush >= 0) {
                flushQueueQuietly();
                nextFlush = System.nanoTime() + flushAfter.toNanos();
            }
            Thread.sleep(100);
            log = log();
        }
        return log;
    }

    private void postfix(String command) throws IOException, InterruptedException {
        try {
            run(List.of(postfix.toString(), "-c", dir.resolve("etc").toString(), command));
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\nPostfix log:\n" + log(), e);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    /** Stops the instance; one made by {@link #routing} also removes its folder. */
    @Override
    public void close() throws IOException {
        try {
            postfix("stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping Postfix", e);
        } finally {
            if (ownsDir) {
                delete(dir);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
