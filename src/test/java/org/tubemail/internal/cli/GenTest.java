package org.tubemail.internal.cli;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.support.Shell;

import java.io.PrintWriter;
import java.io.StringWriter;
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
 * {@code tubemail gen} makes an application that runs from its own README: the test installs
 * nothing by hand, runs the README's commands (build and test, start, send, look into the outbox,
 * stop) and finds the generated handler's reply.
 */
class GenTest {

    @TempDir
    Path tmp;

    @Test
    void refusesBadNamesAndExistingFoldersWithClearErrors() throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(2, gen(err, "Bad_Name"));
        assertTrue(err.toString().contains("project name 'Bad_Name': use lower-case letters"), err.toString());
        assertEquals(2, gen(err, "ok", "--port", "70000"));
        assertTrue(err.toString().contains("--port 70000: expected a port number 1-65535"), err.toString());
        Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(tmp.resolve("taken/notes.txt"), "mine");
        assertEquals(1, gen(err, tmp.resolve("taken").toString()));
        assertTrue(err.toString().contains("taken exists and is not empty; choose another NAME, or pass --force"), err.toString());
        assertEquals("mine", Files.readString(tmp.resolve("taken/notes.txt")), "nothing was overwritten");
        assertFalse(Files.exists(tmp.resolve("taken/pom.xml")));

        assertEquals(0, gen(err, tmp.resolve("taken").toString(), "--force"), err.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("taken/pom.xml")), "--force writes the project");
        assertEquals("mine", Files.readString(tmp.resolve("taken/notes.txt")), "--force keeps files it does not generate");
    }

    @Test
    void twoGeneratedAppsOnDifferentPortsDoNotShareTheHttpPort() throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(0, gen(err, tmp.resolve("one").toString(), "--force"), err.toString());
        assertEquals(0, gen(err, tmp.resolve("two").toString(), "--port", "9025", "--force"), err.toString());
        assertTrue(Files.readString(tmp.resolve("one/config/settings.properties")).contains("\nhttp.port=8827\n"));
        String two = Files.readString(tmp.resolve("two/config/settings.properties"));
        assertTrue(two.contains("\nreceiver.smtp.port=9025\n") && two.contains("\nhttp.port=9027\n"), two);
        assertEquals(2, gen(err, tmp.resolve("three").toString(), "--port", "9025", "--http-port", "9025"));
        assertTrue(err.toString().contains("--http-port 9025: expected a port number 1-65535 other than the SMTP port"), err.toString());
    }

    @Test
    void versionMatchesTheBuild() {
        assertEquals(System.getProperty("tubemail.version", GenCommand.TUBEMAIL_VERSION), GenCommand.TUBEMAIL_VERSION);
    }

    private int gen(StringWriter err, String... args) {
        List<String> all = new ArrayList<>(List.of("gen"));
        all.addAll(List.of(args));
        return TubemailCli.run(all.toArray(String[]::new), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test
    void generatedApplicationRunsFromItsReadme() throws Exception {
        Path jar = Path.of(System.getProperty("tubemail.jar", "target/tubemail.jar"));
        if (!Files.isRegularFile(jar)) {
            String why = jar + " is missing: gen installs that jar, which mvn package builds (.ci/run installs it before the tests)";
            if ("1".equals(System.getenv("TUBEMAIL_REQUIRE_REAL_PARTS"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        // A Maven user whose local repository has everything but Tubemail, offline (no download at test time).
        Path user = Files.createDirectories(tmp.resolve("user"));
        Path repo = localRepositoryWithoutTubemail(user.resolve(".m2/repository"));
        Files.writeString(user.resolve(".m2/settings.xml"), "<settings><offline>true</offline></settings>\n");
        Consumer<Map<String, String>> env = e -> {
            e.put("MAVEN_OPTS", "-Duser.home=" + user);
            e.put("JAVA_OPTS", "-Duser.home=" + user);
            e.remove("TUBEMAIL_HOME");
        };
        int port = Shell.freePort();
        List<String> gen = List.of(javaCommand(), "-Duser.home=" + user, "-cp", System.getProperty("java.class.path"),
                TubemailCli.class.getName(), "gen", "signup-app", "--port", String.valueOf(port)); // in the folder tmp
        Shell.Result created = Shell.run(tmp, 300, env, gen);
        assertEquals(0, created.code(), created.output());
        assertTrue(created.output().contains("installed Tubemail " + GenCommand.TUBEMAIL_VERSION + " from " + jar.toAbsolutePath()
                + " into the local Maven repository (" + repo + ")"), created.output());
        assertTrue(Files.isRegularFile(repo.resolve("org/tubemail/tubemail/" + GenCommand.TUBEMAIL_VERSION + "/tubemail-"
                + GenCommand.TUBEMAIL_VERSION + ".pom")));

        Path app = tmp.resolve("signup-app");
        for (String f : List.of("pom.xml", "bin/tubemail", "config/settings.properties", "config/logback.xml", ".gitignore", "README.md",
                "src/main/java/app/signupapp/SignupHandler.java", "src/test/java/app/signupapp/SignupHandlerTest.java")) {
            assertTrue(Files.isRegularFile(app.resolve(f)), f);
        }
        assertTrue(Files.readString(app.resolve(".gitignore")).lines().anyMatch("run/"::equals));

        List<String> commands = readmeCommands(app.resolve("README.md"));
        assertEquals(List.of("mvn -q package", "bin/tubemail start -d",
                "bin/tubemail send --from you@example.org --to join@localhost --subject hello", "ls run/outbox/new/",
                "bin/tubemail stop"), commands);
        assertTrue(Files.readString(app.resolve("README.md")).contains("SMTP on **127.0.0.1:" + port + "**"));
        List<Shell.Result> results = new ArrayList<>();
        try {
            for (String command : commands) {
                Shell.Result r = Shell.run(app, 300, env, List.of("bash", "-c", command));
                // The reply is written right after the server's 250, by its routing thread: look again for a while.
                for (int i = 0; command.startsWith("ls ") && r.output().isBlank() && i < 100; i++) {
                    Thread.sleep(200);
                    r = Shell.run(app, 30, env, List.of("bash", "-c", command));
                }
                results.add(r);
                assertEquals(0, r.code(), command + ":\n" + r.output());
            }
        } finally {
            if (Files.exists(app.resolve("run/tubemail.pid"))) {
                Shell.run(app, 60, env, List.of("bin/tubemail", "stop"));
            }
        }
        assertTrue(Files.readString(app.resolve("target/surefire-reports/app.signupapp.SignupHandlerTest.txt"))
                .contains("Tests run: 1, Failures: 0, Errors: 0"), "the generated test ran and passed");
        assertTrue(results.get(1).output().contains("SMTP on 127.0.0.1:" + port), results.get(1).output());
        assertTrue(results.get(2).output().startsWith("250"), results.get(2).output());
        String file = results.get(3).output().strip();
        String reply = Files.readString(app.resolve("run/outbox/new").resolve(file));
        assertTrue(reply.contains("Subject: Re: hello") && reply.contains("Reply to this message to confirm"), reply);
        assertTrue(results.get(4).output().contains("Tubemail stopped"), results.get(4).output());
        for (Shell.Result r : results.subList(1, results.size())) {
            assertFalse(r.hasAnsiEscapes(), "the launcher prints no ANSI escapes off a terminal: " + r.output());
        }
    }

    /** The indented command lines of the README's code blocks that build, run or look into the application. */
    private static List<String> readmeCommands(Path readme) throws Exception {
        return Files.readAllLines(readme).stream().filter(l -> l.startsWith("    ")).map(String::strip)
                .filter(l -> l.startsWith("mvn ") || l.startsWith("bin/tubemail ") || l.startsWith("ls "))
                .map(l -> l.replaceAll("\\s+#.*$", "")).toList();
    }

    /** A local repository holding links to every artifact of this user's, except Tubemail's. */
    private static Path localRepositoryWithoutTubemail(Path repo) throws Exception {
        Path real = Path.of(System.getProperty("user.home"), ".m2/repository");
        Files.createDirectories(repo.resolve("org"));
        try (Stream<Path> top = Files.list(real)) {
            for (Path p : top.toList()) {
                if (!p.getFileName().toString().equals("org")) {
                    Files.createSymbolicLink(repo.resolve(p.getFileName().toString()), p);
                }
            }
        }
        try (Stream<Path> orgs = Files.list(real.resolve("org"))) {
            for (Path p : orgs.toList()) {
                if (!p.getFileName().toString().equals("tubemail")) {
                    Files.createSymbolicLink(repo.resolve("org").resolve(p.getFileName().toString()), p);
                }
            }
        }
        return repo;
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
