package org.tubemail.internal.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schema, the README's configuration table, the shipped settings files and the code agree: every
 * declared key is documented, every documented or shipped key is declared, and every key the code names
 * is declared. (The test suite also runs with {@code tubemail.settings.strict}, so that a read of an
 * undeclared key fails the test that makes it.)
 */
class SettingsSchemaDocumentationTest {

    private static final String WHERE = "SettingsSchema.KEYS (src/main/java/org/tubemail/internal/config/SettingsSchema.java)";
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern PROPERTY_LINE = Pattern.compile("^#?\\s*([a-z][a-z0-9]*(?:\\.[A-Za-z0-9_-]+)+)\\s*=");

    /** Each key named in the first column of README's configuration table, relative ones ({@code .port}) resolved. */
    static Set<String> documentedKeys(List<String> problems) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Configuration\n");
        assertTrue(start >= 0, "README.md has a '## Configuration' section");
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> keys = new LinkedHashSet<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf(" |", 1));
            Matcher m = TICKED.matcher(cell);
            String base = null;
            while (m.find()) {
                String token = m.group(1);
                if (!token.startsWith(".")) {
                    base = token;
                    keys.add(token);
                    continue;
                }
                String resolved = base == null ? null : resolve(base, token);
                if (resolved == null) {
                    problems.add("README.md configuration table, row " + cell.trim() + ": `" + token + "` (relative to `" + base
                            + "`) names no declared key: declare it in " + WHERE + ", or write the key in full");
                } else {
                    keys.add(resolved);
                }
            }
        }
        return keys;
    }

    /** {@code base} shortened segment by segment (longest first) until {@code base + relative} is declared. */
    private static String resolve(String base, String relative) {
        String prefix = base;
        while (true) {
            String candidate = prefix + relative;
            if (SettingsSchema.KEYS.stream().anyMatch(k -> k.name().equals(candidate))) {
                return candidate;
            }
            int dot = prefix.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            prefix = prefix.substring(0, dot);
        }
    }

    @Test
    void readmeTableAndSchemaAgree() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> documented = documentedKeys(problems);
        Set<String> declared = SettingsSchema.KEYS.stream().map(SettingKey::name).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String key : documented) {
            if (!declared.contains(key)) {
                problems.add("README.md documents `" + key + "`, which is not declared: add key(\"" + key + "\", ...) to " + WHERE
                        + " (patterns name their placeholders in upper case, as relay.dkim.DOMAIN.key), or fix the README");
            }
        }
        for (String key : declared) {
            if (!documented.contains(key)) {
                problems.add("`" + key + "` is declared in " + WHERE + " but not in README.md's configuration table: add a row"
                        + " | `" + key + "` | default | meaning |, or `." + key.substring(key.lastIndexOf('.') + 1) + "` to its family's row");
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void workingCopySettingsNameDeclaredKeysOnly() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : List.of(Path.of("config/settings.properties"))) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = PROPERTY_LINE.matcher(lines.get(i));
                if (m.find() && !SettingsSchema.isApplicationKey(m.group(1)) && SettingsSchema.find(m.group(1)).isEmpty()) {
                    problems.add(file + ":" + (i + 1) + ": `" + m.group(1) + "` is not declared in " + WHERE);
                }
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void settingsSnippetsInTheReadmesCanBeCopied() throws IOException {
        Pattern snippet = Pattern.compile("^ {4}\\s*([a-z][a-z0-9]*(?:\\.[A-Za-z0-9_-]+)+)=(.*)$");
        List<String> problems = new ArrayList<>();
        for (Path file : List.of(Path.of("README.md"), Path.of("examples/mailinglist/README.md"), Path.of("examples/spring-boot/README.md"))) {
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = snippet.matcher(lines.get(i));
                if (m.matches()) {
                    try {
                        SettingsSchema.check(file + ":" + (i + 1), "", java.util.Map.of(m.group(1), m.group(2).trim()));
                    } catch (ConfigException e) {
                        problems.add(e.getMessage().lines().findFirst().orElseThrow());
                    }
                }
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void everyKeyTheCodeNamesIsDeclared() throws IOException {
        Set<String> namespaces = SettingsSchema.KEYS.stream().map(k -> k.name().split("\\.")[0]).collect(Collectors.toSet());
        // A key-like literal in a namespace of the schema, or any key-like literal handed to a typed read (a new namespace).
        Pattern literal = Pattern.compile("(\\.(?:string|integer|port|bytes|seconds|path|list|choice|permissions|bool|withPrefix)\\(\\s*)?"
                + "\"([a-z]+)((?:\\.[a-z0-9]+)+)(\\.?)\"");
        List<String> problems = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("spring/src/main/java"), Path.of("bench/src/main/java"),
                Path.of("examples/echo/src/main/java"), Path.of("examples/mailinglist/src/main/java"), Path.of("examples/spring-boot/src/main/java"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = literal.matcher(Files.readString(file));
                    while (m.find()) {
                        if (m.group(1) == null && !namespaces.contains(m.group(2))) {
                            continue;
                        }
                        String key = m.group(2) + m.group(3) + m.group(4);
                        boolean prefix = !m.group(4).isEmpty();
                        boolean declared = prefix ? SettingsSchema.KEYS.stream().anyMatch(k -> k.name().startsWith(key) && k.isPattern())
                                : SettingsSchema.find(key).isPresent();
                        if (!declared) {
                            problems.add(file + ": \"" + key + "\" is read but not declared: add key(\"" + key + (prefix ? "NAME" : "")
                                    + "\", TYPE, \"default\", \"meaning\") to " + WHERE + " and a row to README's configuration table");
                        }
                    }
                }
            }
        }
        assertEquals("", String.join("\n", problems));
    }
}
