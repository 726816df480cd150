package org.tubemail.dist;

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
}
