package org.tubemail.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tests that run a real third-party program (dnsmasq, Postfix, HAProxy, a DKIM verifier, Chromium)
 * call {@link #require} first. Without the program the test is skipped with the reason, except
 * under CI ({@code TUBEMAIL_REQUIRE_REAL_PARTS=1}, set by {@code .ci/run}, which installs every part
 * listed in {@code .ci/apt-packages}): there a missing part fails the test.
 */
public final class RealParts {
    private RealParts() {}

    /** Returns the absolute path of {@code program}, found on the PATH or in /usr/sbin and /usr/lib. */
    public static Path require(String program, String debianPackage) {
        Path found = find(program);
        if (found == null) {
            String why = program + " is not installed (Debian package " + debianPackage
                    + "; .ci/install-parts.sh installs it)";
            if ("1".equals(System.getenv("TUBEMAIL_REQUIRE_REAL_PARTS"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        return found;
    }

    /** The program's path, or null when it is not installed. */
    public static Path find(String program) {
        if (program.contains("/")) return Files.isExecutable(Path.of(program)) ? Path.of(program) : null;
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/usr/lib/chromium";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
