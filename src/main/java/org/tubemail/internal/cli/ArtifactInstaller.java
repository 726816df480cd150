package org.tubemail.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Makes sure the Tubemail artifact a generated project depends on is in the local Maven repository
 * ({@code -Dmaven.repo.local}, else {@code ~/.m2/repository}). When it is missing, installs the jar
 * this command runs from (the distribution's {@code lib/tubemail-VERSION.jar}, or a checkout's
 * {@code target/tubemail-VERSION.jar}) with its own pom, by {@code mvn install:install-file}.
 */
final class ArtifactInstaller {

    private static final String POM_ENTRY = "META-INF/maven/org.tubemail/tubemail/pom.xml";
    private static final String INSTALL_FILE = "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file";

    private final String version;
    private final Path repository;

    ArtifactInstaller(String version) {
        this.version = version;
        String configured = System.getProperty("maven.repo.local");
        this.repository = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The artifact's place in the local repository. */
    Path installedJar() {
        return repository.resolve("org/tubemail/tubemail").resolve(version).resolve("tubemail-" + version + ".jar");
    }

    /**
     * Installs the artifact when it is missing.
     *
     * @return what was done, one line
     * @throws IllegalStateException naming the cause and the manual fix when it cannot be installed
     */
    String ensureInstalled() throws IOException, InterruptedException {
        if (Files.isRegularFile(installedJar())) {
            return "Tubemail " + version + " is in the local Maven repository (" + repository + ")";
        }
        Path jar = ownJar().orElseThrow(() -> new IllegalStateException("Tubemail " + version + " is not in the local Maven repository ("
                + repository + ") and no tubemail-" + version + ".jar was found to install: run mvn -q install -DskipTests in the Tubemail checkout"));
        Path pom = Files.createTempFile("tubemail-", ".pom");
        try {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(POM_ENTRY);
                if (entry == null) {
                    throw new IllegalStateException(jar + " holds no " + POM_ENTRY + ": run mvn -q install -DskipTests in the Tubemail checkout");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, pom, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            install(jar, pom);
        } finally {
            Files.deleteIfExists(pom);
        }
        return "installed Tubemail " + version + " from " + jar + " into the local Maven repository (" + repository + ")";
    }

    private void install(Path jar, Path pom) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mvn", "-q", "-B", INSTALL_FILE, "-Dfile=" + jar, "-DpomFile=" + pom));
        if (System.getProperty("maven.repo.local") != null) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        Path log = Files.createTempFile("tubemail-install", ".log");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                throw new IllegalStateException("Maven (mvn) is needed to install Tubemail into the local repository and to build the project: "
                        + "install Maven 3.8 or newer (" + e.getMessage() + ")");
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took over 10 minutes");
            }
            if (p.exitValue() != 0) {
                String output = Files.readString(log, StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").strip();
                throw new IllegalStateException("installing " + jar + " failed (" + String.join(" ", command) + ", exit " + p.exitValue()
                        + "):\n" + output);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The Tubemail jar on this JVM's class path: itself, or the jar a checkout built beside target/classes. */
    private Optional<Path> ownJar() {
        java.security.CodeSource code = ArtifactInstaller.class.getProtectionDomain().getCodeSource();
        if (code == null) {
            return Optional.empty();
        }
        try {
            Path source = Path.of(code.getLocation().toURI());
            Path jar = Files.isDirectory(source) ? source.getParent().resolve("tubemail-" + version + ".jar") : source;
            return Optional.of(jar).filter(Files::isRegularFile);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
