package org.tubemail.internal.dist;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.SettingsFile;
import org.tubemail.support.RealParts;
import org.tubemail.support.Shell;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution {@code target/tubemail-VERSION.tar.gz} (built by {@code mvn package}), unpacked
 * into a temporary folder: it starts with {@code bin/tubemail start} with Java only (no Maven on
 * the PATH), answers mail, stops gracefully; its settings are the pristine ones written from the
 * schema, never the working copy's; its systemd unit passes {@code systemd-analyze verify}.
 */
class DistributionTest {

    @TempDir
    Path tmp;

    private Path dist;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("tubemail.dist", "target/tubemail-dist-missing.tar.gz"));
        if (!Files.isRegularFile(tarball)) {
            String why = tarball + " is missing: the distribution is built by mvn package (.ci/run installs it before the tests)";
            if ("1".equals(System.getenv("TUBEMAIL_REQUIRE_REAL_PARTS"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        Shell.Result tar = Shell.run(tmp, 60, "tar", "-xzf", tarball.toAbsolutePath().toString());
        assertEquals(0, tar.code(), tar.output());
        try (Stream<Path> top = Files.list(tmp)) {
            dist = top.filter(p -> p.getFileName().toString().startsWith("tubemail-")).findFirst().orElseThrow();
        }
    }

    @Test
    void holdsLauncherLibsConfigReadmeAndUnit() {
        for (String f : List.of("bin/tubemail", "config/settings.properties", "config/logback.xml", "README.md",
                "doc/tubemail.md", "doc/docs/console-outbox.png", "systemd/tubemail.service")) {
            assertTrue(Files.isRegularFile(dist.resolve(f)), f);
        }
        assertTrue(Files.isExecutable(dist.resolve("bin/tubemail")));
        for (String pointer : List.of("README.md", "systemd/tubemail.service")) {
            assertTrue(read(dist.resolve(pointer)).contains("doc/tubemail.md"), pointer + " points to the manual it ships");
        }
        assertTrue(Files.isRegularFile(dist.resolve("lib").resolve(dist.getFileName() + ".jar")), "lib/ holds the Tubemail jar");
        assertTrue(Files.isRegularFile(dist.resolve("lib/angus-mail-2.0.3.jar")), "lib/ holds the runtime dependencies");
        assertTrue(Files.isRegularFile(dist.resolve("lib/AmazonCorrettoCryptoProvider-2.5.0-linux-x86_64.jar")),
                "lib/ holds the native crypto provider (its library inside)");
    }

    @Test
    void shipsSettingsWrittenFromTheSchemaNeverTheWorkingCopy() throws Exception {
        // The working copy's config/settings.properties may hold a developer's edits and secrets; the archive's is
        // written from the schema at build time, whatever the working copy holds.
        assertEquals(SettingsFile.distribution(), Files.readString(dist.resolve("config/settings.properties")));
        try (Stream<Path> config = Files.list(dist.resolve("config"))) {
            assertEquals(List.of("logback.xml", "settings.properties"), config.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void startsAnswersAndStopsWithJavaOnlyAndNoMaven() throws Exception {
        int port = Shell.freePort();
        Path settings = dist.resolve("config/settings.properties");
        Files.writeString(settings, Files.readString(settings) + "\nreceiver.smtp.port=" + port + "\nhttp.port=0\n");
        // A PATH with the few tools the launcher uses, and no java and no mvn: Java comes from JAVA_HOME.
        Path bin = Files.createDirectories(tmp.resolve("path"));
        for (String tool : List.of("bash", "env", "sed", "head")) {
            Files.createSymbolicLink(bin.resolve(tool), RealParts.find(tool));
        }
        Consumer<Map<String, String>> env = e -> {
            e.put("PATH", bin.toString());
            e.put("JAVA_HOME", System.getProperty("java.home"));
            e.put("JAVA_OPTS", "-Xmx192m -Dtubemail.test.marker=dist");
            e.remove("TUBEMAIL_HOME");
        };
        List<Shell.Result> all = new ArrayList<>();
        Shell.Result start = run(all, env, "bin/tubemail", "start", "-d");
        assertEquals(0, start.code(), start.output());
        long pid = Long.parseLong(Files.readString(dist.resolve("run/tubemail.pid")).trim());
        try {
            List<String> jvmArgs = ProcessHandle.of(pid).orElseThrow().info().arguments().map(List::of).orElse(List.of());
            assertTrue(jvmArgs.contains("-Dtubemail.test.marker=dist"), "JAVA_OPTS reach the JVM: " + jvmArgs);
            if (System.getProperty("os.arch").matches("amd64|x86_64")) { // the platform of the provider's jar in lib/
                String log = Files.readString(dist.resolve("run/logs/tubemail.log"));
                assertTrue(log.contains("crypto: AmazonCorrettoCryptoProvider 2.5.0"), log);
            }

            Shell.Result send = run(all, env, "bin/tubemail", "send", "--from", "you@example.org", "--to", "echo@localhost",
                    "--subject", "from the distribution", "--port", String.valueOf(port));
            assertEquals(0, send.code(), send.output());
            assertTrue(send.output().startsWith("250"), send.output());
            String reply = awaitReply(dist.resolve("run/outbox/new"));
            assertTrue(reply.contains("Subject: Re: from the distribution"), reply);
            assertTrue(reply.contains("Delivered-To: you@example.org"), reply);
        } finally {
            Shell.Result stop = run(all, env, "bin/tubemail", "stop");
            assertEquals(0, stop.code(), stop.output());
            assertTrue(stop.output().contains("Tubemail stopped (pid " + pid + ")"), stop.output());
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the server exited");
        for (Shell.Result r : all) {
            assertFalse(r.hasAnsiEscapes(), "no ANSI escapes when the output is not a terminal: " + r.output());
        }
    }

    @Test
    void systemdUnitIsSandboxedAndPassesSystemdAnalyzeVerify() throws Exception {
        String unit = Files.readString(dist.resolve("systemd/tubemail.service"));
        for (String line : List.of("User=tubemail", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "ProtectSystem=strict",
                "ReadWritePaths=/opt/tubemail/run", "NoNewPrivileges=true", "KillSignal=SIGTERM", "SuccessExitStatus=143",
                "ExecStart=/opt/tubemail/bin/tubemail start")) {
            assertTrue(unit.lines().anyMatch(l -> l.startsWith(line)), "the unit has " + line);
        }
        Path analyze = RealParts.find("systemd-analyze");
        Assumptions.assumeTrue(analyze != null, "systemd-analyze is not installed (Debian package systemd): the unit's syntax is not checked");
        // The unit as installed, with /opt/tubemail being this unpacked folder (verify checks that ExecStart exists).
        Path local = tmp.resolve("tubemail.service");
        Files.writeString(local, unit.replace("/opt/tubemail", dist.toString()), StandardCharsets.UTF_8);
        Shell.Result verify = Shell.run(tmp, 60, analyze.toString(), "verify", local.toString());
        assertEquals(0, verify.code(), verify.output());
        assertTrue(verify.output().lines().noneMatch(l -> l.contains("tubemail.service")), "no warning about the unit:\n" + verify.output());
    }

    private Shell.Result run(List<Shell.Result> all, Consumer<Map<String, String>> env, String... command) throws Exception {
        Shell.Result r = Shell.run(dist, 90, env, List.of(command));
        all.add(r);
        return r;
    }

    static String awaitReply(Path maildirNew) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(maildirNew)) {
                try (Stream<Path> files = Files.list(maildirNew)) {
                    List<Path> found = files.toList();
                    if (!found.isEmpty()) {
                        return Files.readString(found.get(0), StandardCharsets.UTF_8);
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no reply in " + maildirNew + " within 20 s");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
