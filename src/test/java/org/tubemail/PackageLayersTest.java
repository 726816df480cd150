package org.tubemail;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package rules of the README's "Layout" section, read from the sources: imports point down the
 * layers ({@code cli -> app -> server/config -> routing/relay -> state/queue -> mail/io}), packages form no
 * cycle (a face package and its own {@code internal} half excepted), and the examples import only the
 * handler author's face.
 */
class PackageLayersTest {

    private static final String ROOT = "org.tubemail.";
    /** Each package's layer, by its name under org.tubemail (internal. removed); 0 is the top. */
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("cli", 0),
            Map.entry("app", 1), Map.entry("testing", 1),
            Map.entry("server", 2), Map.entry("config", 2), Map.entry("http", 2), Map.entry("boot", 2),
            Map.entry("routing", 3), Map.entry("relay", 3), Map.entry("handler", 3), Map.entry("autoreply", 3),
            Map.entry("confirm", 3), Map.entry("view", 3), Map.entry("web", 3),
            Map.entry("state", 4), Map.entry("queue", 4),
            Map.entry("mail", 5), Map.entry("io", 5));
    private static final int LOWEST = 5;
    /** Services every layer may use; they use only the lowest layer and each other. */
    private static final Set<String> SERVICES = Set.of("monitor", "auth", "dkim", "dns", "crypto");
    /** What a handler author imports: the face. */
    static final Set<String> FACE = Set.of("handler", "boot", "mail", "testing", "confirm", "view", "web", "spring", "spring.test");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.tubemail\\.([a-z][\\w.]*?)\\.[A-Z]", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package org\\.tubemail\\.([\\w.]+);", Pattern.MULTILINE);

    /** Package -> the packages it imports, for the framework's main sources. */
    static Map<String, Set<String>> imports(Path sources) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher p = PACKAGE.matcher(text);
                if (!p.find()) {
                    continue;
                }
                Set<String> to = out.computeIfAbsent(p.group(1), k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(text);
                while (m.find()) {
                    if (!m.group(1).equals(p.group(1))) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    /** The top-level component of a package: {@code internal.server.smtp} -> {@code server}. */
    static String component(String pkg) {
        String p = pkg.startsWith("internal.") ? pkg.substring("internal.".length()) : pkg;
        int dot = p.indexOf('.');
        return dot < 0 ? p : p.substring(0, dot);
    }

    @Test
    void importsPointDownTheLayers() throws IOException {
        List<String> wrong = new ArrayList<>();
        imports(Path.of("src/main/java/org/tubemail")).forEach((from, tos) -> {
            for (String to : tos) {
                String a = component(from);
                String b = component(to);
                if (a.equals(b) || SERVICES.contains(b) && !SERVICES.contains(a)) {
                    continue; // within a component, or a service used from anywhere
                }
                Integer la = SERVICES.contains(a) ? Integer.valueOf(LOWEST) : LAYERS.get(a);
                Integer lb = SERVICES.contains(b) ? Integer.valueOf(LOWEST) : LAYERS.get(b);
                if (la == null || lb == null) {
                    wrong.add(from + " -> " + to + ": a package without a layer (add it to LAYERS or SERVICES)");
                } else if (lb < la) {
                    wrong.add(from + " -> " + to + ": up from layer " + la + " to layer " + lb);
                }
            }
        });
        assertEquals(List.of(), wrong, "imports against the layers");
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>(); // a face package and its internal half are one node
        imports(Path.of("src/main/java/org/tubemail")).forEach((from, tos) -> {
            Set<String> out = graph.computeIfAbsent(node(from), k -> new TreeSet<>());
            tos.stream().map(PackageLayersTest::node).filter(n -> !n.equals(node(from))).forEach(out::add);
        });
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            for (String next : graph.get(start)) {
                if (reaches(graph, next, start, new TreeSet<>())) {
                    cycles.add(start + " -> " + next + " -> ... -> " + start);
                }
            }
        }
        assertEquals(List.of(), cycles, "package cycles");
    }

    /** A package without its {@code internal.} prefix: a face package and its internal half are one node. */
    private static String node(String pkg) {
        return pkg.startsWith("internal.") ? pkg.substring("internal.".length()) : pkg;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String n : graph.getOrDefault(from, Set.of())) {
            if (reaches(graph, n, to, seen)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theExamplesImportOnlyTheFace() throws IOException {
        List<String> internal = new ArrayList<>();
        for (Path root : List.of(Path.of("examples"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        String pkg = m.group(1);
                        if (!pkg.startsWith("examples") && !FACE.contains(pkg)) {
                            internal.add(f + " imports org.tubemail." + pkg);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), internal, "examples importing beyond the face " + FACE);
    }

    @Test
    void theEchoExampleNeedsAtMostTwoPackages() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("examples/echo/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertFalse(used.isEmpty(), "no import found: is the echo example still at examples/echo?");
        assertTrue(used.size() <= 2, "the echo example imports " + used);
    }
}
