package org.tubemail.view;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where template files are read from: a class path folder or a file system folder. */
sealed interface TemplateSource {

    /** File names a template may have: no folder escapes, no hidden files. */
    Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");

    /** The file's text, or empty when there is no such file. */
    Optional<String> read(String fileName);

    /** Where {@code fileName} is looked for, for messages. */
    String describe(String fileName);

    /** Rejects names that could leave the folder. */
    static String checked(String fileName) {
        if (!SAFE_NAME.matcher(fileName).matches() || fileName.contains("..")) {
            throw new TemplateException("template name '" + fileName + "' is not a plain relative name", null);
        }
        return fileName;
    }

    /** Templates in a class path folder such as {@code com/example/templates}. */
    record ClassPath(ClassLoader loader, String folder) implements TemplateSource {
        @Override
        public Optional<String> read(String fileName) {
            try (InputStream in = loader.getResourceAsStream(folder + "/" + checked(fileName))) {
                return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new TemplateException("cannot read template " + describe(fileName) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe(String fileName) {
            return "classpath:" + folder + "/" + fileName;
        }
    }

    /** Templates in a folder on disk. */
    record Folder(Path dir) implements TemplateSource {
        @Override
        public Optional<String> read(String fileName) {
            try {
                return Optional.of(Files.readString(dir.resolve(checked(fileName)), StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new TemplateException("cannot read template " + describe(fileName) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe(String fileName) {
            return dir.resolve(fileName).toString();
        }
    }
}
