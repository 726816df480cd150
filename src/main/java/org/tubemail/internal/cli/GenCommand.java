package org.tubemail.internal.cli;

import org.tubemail.internal.config.SettingsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Generates a new application: a Maven build depending on Tubemail, its own {@code bin/tubemail}
 * launcher (builds the project when needed, then runs its classes and dependencies), settings
 * written from the schema ({@link SettingsFile}: every key with its meaning and default), a
 * two-state handler with its test-kit test, a README and a {@code .gitignore}. Makes sure the Tubemail artifact is in the local Maven repository first ({@link ArtifactInstaller}).
 * Exit codes: 0 done, 1 the folder exists (without {@code --force}) or cannot be written,
 * 2 bad arguments, 3 the Tubemail artifact could not be installed.
 */
@Command(name = "gen", mixinStandardHelpOptions = true, description = "Generate a new application in folder NAME.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:created", "1:NAME exists and is not empty (use --force), or cannot be written", "2:bad arguments",
                "3:the Tubemail artifact is not in the local Maven repository and could not be installed"})
final class GenCommand implements java.util.concurrent.Callable<Integer> {

    static final String TUBEMAIL_VERSION = "0.1.0-SNAPSHOT";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Project folder, relative to the current folder; its name (also the artifact id): lower-case letters, digits and -.")
    Path target;

    @Option(names = "--force", description = "Write into NAME even when it exists and is not empty (generated files are replaced, others kept).")
    boolean force;

    @Option(names = "--port", defaultValue = "8825", description = "The application's SMTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--http-port", description = "Its HTTP listener's port (metrics, health, API, console; default: the SMTP port + 2, so 8827 for 8825).")
    Integer httpPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = target.getFileName().toString();
        if (!name.matches("[a-z][a-z0-9-]*")) {
            err.println("tubemail gen: project name '" + name + "': use lower-case letters, digits and -, starting with a letter");
            return 2;
        }
        if (port < 1 || port > 65535) {
            err.println("tubemail gen: --port " + port + ": expected a port number 1-65535");
            return 2;
        }
        if (httpPort == null) {
            httpPort = port <= 65533 ? port + 2 : port - 2;
        }
        if (httpPort < 1 || httpPort > 65535 || httpPort == port) {
            err.println("tubemail gen: --http-port " + httpPort + ": expected a port number 1-65535 other than the SMTP port");
            return 2;
        }
        Path dir = target.toAbsolutePath().normalize();
        if (!force && Files.isDirectory(dir) && !isEmpty(dir)) {
            err.println("tubemail gen: " + dir + " exists and is not empty; choose another NAME, or pass --force to rewrite the generated files");
            return 1;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            err.println("tubemail gen: " + dir + " exists and is not a folder");
            return 1;
        }
        try {
            out.println(new ArtifactInstaller(TUBEMAIL_VERSION).ensureInstalled());
        } catch (IllegalStateException e) {
            err.println("tubemail gen: " + e.getMessage());
            return 3;
        }
        write(dir, name);
        out.println("created " + dir + "\nnext, as its README.md says:\n  cd " + dir + "\n  mvn -q package        # build and test"
                + "\n  bin/tubemail start    # SMTP on 127.0.0.1:" + port + ", HTTP on 127.0.0.1:" + httpPort + ", replies in run/outbox/new/");
        return 0;
    }

    private void write(Path dir, String name) throws IOException {
        String pkg = name.replace("-", "");
        Map<String, String> values = Map.of("name", name, "pkg", pkg, "port", String.valueOf(port),
                "httpPort", String.valueOf(httpPort), "tubemailVersion", TUBEMAIL_VERSION);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.tmpl");
        files.put("README.md", "README.md.tmpl");
        files.put(".gitignore", "gitignore.tmpl");
        files.put("config/logback.xml", "config/logback.xml");
        files.put("bin/tubemail", "bin/tubemail");
        files.put("src/main/java/app/" + pkg + "/SignupHandler.java", "SignupHandler.java.tmpl");
        files.put("src/test/java/app/" + pkg + "/SignupHandlerTest.java", "SignupHandlerTest.java.tmpl");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path out = dir.resolve(f.getKey());
            Files.createDirectories(out.getParent());
            Files.writeString(out, render(f.getValue(), values), StandardCharsets.UTF_8);
        }
        Path settings = dir.resolve("config/settings.properties");
        Files.writeString(settings, SettingsFile.render(List.of(name + ": Tubemail settings. Paths are relative to this project's folder (the one holding config/).",
                "A bad value stops start-up with a message naming this file, the key and the expected form.",
                "Every key is described in the Tubemail README, section \"Configuration\"."), settingsValues(pkg)), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(dir.resolve("bin/tubemail"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** What the generated application sets beyond the schema's defaults: its ports, its handler, its domain. */
    private Map<String, String> settingsValues(String pkg) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("receiver.smtp.port", String.valueOf(port));
        values.put("receiver.accepted.domains", "localhost");
        values.put("handlers", "app." + pkg + ".SignupHandler");
        values.put("route.default.host", "localhost");
        values.put("http.port", String.valueOf(httpPort));
        return values;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static String render(String template, Map<String, String> values) throws IOException {
        try (InputStream in = GenCommand.class.getResourceAsStream("gen/" + template)) {
            if (in == null) {
                throw new IOException("template gen/" + template + " is missing from the Tubemail jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!template.endsWith(".tmpl")) {
                return text;
            }
            for (Map.Entry<String, String> v : values.entrySet()) {
                text = text.replace("{{" + v.getKey() + "}}", v.getValue());
            }
            return text;
        }
    }
}
