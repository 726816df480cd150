package org.tubemail.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generates a new project: a Maven build depending on Tubemail, settings, a sample handler and
 * its test. The project builds once Tubemail is in the local Maven repository
 * ({@code mvn -q install -DskipTests} in the Tubemail checkout).
 */
@Command(name = "gen", mixinStandardHelpOptions = true, description = "Generate a new project skeleton in folder NAME.")
final class GenCommand implements java.util.concurrent.Callable<Integer> {

    static final String TUBEMAIL_VERSION = "0.1.0-SNAPSHOT";

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Project folder (also its artifact id): lower-case letters, digits and -.")
    Path target;

    @Override
    public Integer call() throws IOException {
        String name = target.getFileName().toString();
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("project name '" + name + "': use lower-case letters, digits and -, starting with a letter");
        }
        Path dir = cli.home().resolve(target).normalize();
        if (Files.exists(dir) && Files.list(dir).findAny().isPresent()) {
            throw new IllegalArgumentException(dir + " exists and is not empty");
        }
        String pkg = name.replace("-", "");
        Map<String, String> values = Map.of("name", name, "pkg", pkg, "home", dir.toString(), "tubemailVersion", TUBEMAIL_VERSION);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.tmpl");
        files.put("config/settings.properties", "settings.properties.tmpl");
        files.put("src/main/java/app/" + pkg + "/HelloHandler.java", "Handler.java.tmpl");
        files.put("src/test/java/app/" + pkg + "/HelloHandlerTest.java", "HandlerTest.java.tmpl");
        files.put("README.md", "README.md.tmpl");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path out = dir.resolve(f.getKey());
            Files.createDirectories(out.getParent());
            Files.writeString(out, render(f.getValue(), values), StandardCharsets.UTF_8);
        }
        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("run/README.md"), "Runtime files: pid, queues, state database, logs.\n");
        Files.writeString(dir.resolve(".gitignore"), "target/\nrun/*\n!run/README.md\n");
        spec.commandLine().getOut().println("created " + dir + "\nnext: cd " + dir + " && mvn -q test"
                + "   (needs Tubemail installed: mvn -q install -DskipTests in the Tubemail checkout)");
        return 0;
    }

    private static String render(String template, Map<String, String> values) throws IOException {
        try (InputStream in = GenCommand.class.getResourceAsStream("gen/" + template)) {
            if (in == null) {
                throw new IOException("template gen/" + template + " is missing from the Tubemail jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> v : values.entrySet()) {
                text = text.replace("{{" + v.getKey() + "}}", v.getValue());
            }
            return text;
        }
    }
}
