package org.tubemail.internal.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.support.RealParts;
import org.tubemail.support.Shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/tubemail} finds Java 17 or newer, or says clearly why it cannot. */
class LauncherTest {

    @TempDir
    Path tmp;

    private final Path launcher = Path.of("bin/tubemail").toAbsolutePath();

    @Test
    void refusesJavaOlderThan17() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("jdk11/bin"));
        Path java = home.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.21\" 2023-10-17' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Shell.Result r = Shell.run(tmp, 30, env -> env.put("JAVA_HOME", tmp.resolve("jdk11").toString()), List.of(launcher.toString(), "status"));
        assertEquals(1, r.code(), r.output());
        assertEquals("tubemail: " + java + " is Java 11.0.21; Tubemail needs Java 17 or newer (set JAVA_HOME)", r.output().trim());
    }

    @Test
    void saysSoWhenJavaIsMissing() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("path"));
        for (String tool : List.of("bash", "env", "sed", "head")) {
            Files.createSymbolicLink(bin.resolve(tool), RealParts.find(tool));
        }
        Shell.Result r = Shell.run(tmp, 30, env -> {
            env.remove("JAVA_HOME");
            env.put("PATH", bin.toString());
        }, List.of(launcher.toString(), "status"));
        assertEquals(1, r.code(), r.output());
        assertEquals("tubemail: Java not found: install Java 17 or newer, or set JAVA_HOME to one", r.output().trim());

        Shell.Result wrongHome = Shell.run(tmp, 30, env -> env.put("JAVA_HOME", tmp.resolve("nothing").toString()),
                List.of(launcher.toString(), "status"));
        assertEquals(1, wrongHome.code(), wrongHome.output());
        assertTrue(wrongHome.output().contains("JAVA_HOME is " + tmp.resolve("nothing") + ", but"), wrongHome.output());
    }

    @Test
    void anExamplesRunAndTargetFoldersDoNotTriggerARebuildButAMainSourceDoes() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(launcher, root.resolve("bin/tubemail"));
        Files.createDirectories(root.resolve("src/main/java"));
        Files.createDirectories(root.resolve("examples/echo/src/main/java"));
        Files.createDirectories(root.resolve("target/lib"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(root.resolve("pom.xml"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        Path stamp = Files.createDirectories(root.resolve("target/classes")).resolve(".built");
        Files.writeString(stamp, "");
        Files.setLastModifiedTime(stamp, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        for (String made : List.of("examples/spring-boot/run/data/state.db", "examples/spring-boot/target/app.jar")) {
            Files.createDirectories(root.resolve(made).getParent());
            Files.writeString(root.resolve(made), "x");
        }
        Path bin = Files.createDirectories(tmp.resolve("tools"));
        Path builds = tmp.resolve("builds.log");
        script(bin.resolve("mvn"), "echo built >> " + builds);
        script(bin.resolve("java"), "case \"$1\" in -version) echo 'openjdk version \"17.0.15\" 2025-04-15' >&2;; *) echo ran;; esac");
        List<String> command = List.of(root.resolve("bin/tubemail").toString(), "status");

        Shell.Result r = Shell.run(tmp, 30, env -> {
            env.remove("JAVA_HOME");
            env.put("PATH", bin + ":" + env.get("PATH"));
        }, command);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("ran"), r.output());
        assertTrue(Files.notExists(builds), "rebuilt for a change under an example's run/ or target/: " + r.output());

        Files.writeString(root.resolve("examples/echo/src/main/java/Echo.java"), "class Echo {}");
        Shell.Result changed = Shell.run(tmp, 30, env -> {
            env.remove("JAVA_HOME");
            env.put("PATH", bin + ":" + env.get("PATH"));
        }, command);
        assertEquals(0, changed.code(), changed.output());
        assertEquals("built", Files.readString(builds).trim(), "an example's source changed: the launcher must rebuild");
    }

    private static void script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
