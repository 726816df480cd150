package org.tubemail.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tubemail gen} makes a project that builds and whose own tests pass. */
class GenTest {

    @Test
    void generatedProjectBuildsAndPassesItsTests(@TempDir Path home) throws Exception {
        StringWriter err = new StringWriter();
        int code = TubemailCli.run(new String[]{"--home", home.toString(), "gen", "hello-app"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        Path project = home.resolve("hello-app");
        for (String f : List.of("pom.xml", "config/settings.properties", "src/main/java/app/helloapp/HelloHandler.java",
                "src/test/java/app/helloapp/HelloHandlerTest.java", "README.md", "run/README.md")) {
            assertTrue(Files.isRegularFile(project.resolve(f)), f);
        }
        assertEquals(1, TubemailCli.run(new String[]{"--home", home.toString(), "gen", "hello-app"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true)), "refuses to overwrite");

        Path installed = Path.of(System.getProperty("user.home"), ".m2/repository/org/tubemail/tubemail", GenCommand.TUBEMAIL_VERSION);
        Assumptions.assumeTrue(Files.isDirectory(installed),
                "Tubemail is not installed in ~/.m2 (mvn -q install -DskipTests): the generated build cannot be run");
        Process mvn = new ProcessBuilder("mvn", "-q", "-o", "-B", "test").directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(project.resolve("build.log").toFile()).start();
        assertTrue(mvn.waitFor(5, TimeUnit.MINUTES), "the generated build took over 5 minutes");
        assertEquals(0, mvn.exitValue(), Files.readString(project.resolve("build.log")));
        assertTrue(Files.readString(project.resolve("target/surefire-reports/app.helloapp.HelloHandlerTest.txt"))
                .contains("Tests run: 1, Failures: 0, Errors: 0"));
    }
}
