package org.tubemail.examples.mailinglist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import org.tubemail.testing.TestKit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The state diagram in {@link MailingListHandler}'s Javadoc is generated, not drawn by hand: the
 * lines between {@value #BEGIN} and {@value #END} must be what {@code bin/tubemail graph} prints for
 * the handler ({@link TestKit#stateDiagram}). When they differ, the failure gives the lines to paste.
 */
class MailingListDiagramTest {

    static final String BEGIN = "<!-- graph -->";
    static final String END = "<!-- /graph -->";
    private static final Path SOURCE = Path.of("examples/mailinglist/src/main/java/org/tubemail/examples/mailinglist/MailingListHandler.java");

    /** The diagram as it belongs in the Javadoc, markers included, each line starting with {@code " * "}. */
    static String javadocBlock(String mermaid) {
        StringBuilder out = new StringBuilder(" * " + BEGIN + "\n * <pre>{@code\n");
        mermaid.lines().forEach(l -> out.append(" * ").append(l).append('\n'));
        return out.append(" * }</pre>\n * ").append(END).append('\n').toString();
    }

    /** The Javadoc lines from the begin marker to the end marker, with their {@code " * "} prefixes; empty without markers. */
    static List<String> markedLines(List<String> source) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : source) {
            in |= line.contains(BEGIN);
            if (in) {
                out.add(line);
            }
            if (line.contains(END)) {
                return out;
            }
        }
        return List.of();
    }

    /** Checks {@code source}'s marked Javadoc block against {@code mermaid}; skipped while it has no markers. */
    static void check(Path source, String mermaid) throws Exception {
        assertTrue(Files.isRegularFile(source), "run from the project folder: " + source.toAbsolutePath());
        List<String> marked = markedLines(Files.readAllLines(source, StandardCharsets.UTF_8));
        assumeTrue(!marked.isEmpty(), source.getFileName() + "'s Javadoc has no " + BEGIN + " ... " + END
                + " block yet: add one (the lines this test prints when they differ) to have its diagram checked");
        String expected = javadocBlock(mermaid);
        String actual = String.join("\n", marked.stream().map(String::stripTrailing).toList()) + "\n";
        assertEquals(expected, actual, "the state diagram in " + source.getFileName()
                + "'s Javadoc is not the one its code draws; replace the lines from " + BEGIN + " to " + END + " with:\n\n" + expected);
    }

    private static String mermaid() {
        TestKit kit = new TestKit();
        kit.router(r -> r.defaultCapture("listdomain", "lists\\.example\\.com")
                .handlers(new MailingListHandler(kit.relay(), ListDatabase.inMemory(), kit.confirmations(), Clock.systemUTC())));
        return kit.stateDiagram(MailingListHandler.class);
    }

    @Test
    void theJavadocDiagramIsTheOneTheCodeDraws() throws Exception {
        check(SOURCE, mermaid());
    }

    @Test
    void aStaleDiagramFailsWithTheLinesToPaste(@TempDir Path dir) throws Exception {
        String mermaid = mermaid();
        assertTrue(mermaid.contains("CONFIRMING --> POSTING"), mermaid);
        Path current = dir.resolve("Current.java");
        Files.writeString(current, "/**\n * A list.\n *\n" + javadocBlock(mermaid) + " */\nclass Current {}\n");
        check(current, mermaid);
        Path stale = dir.resolve("Stale.java");
        Files.writeString(stale, "/**\n" + javadocBlock(mermaid.replace("CONFIRMING --> POSTING", "CONFIRMING --> MEMBER")) + " */\nclass Stale {}\n");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> check(stale, mermaid));
        assertTrue(e.getMessage().contains("with:\n\n" + javadocBlock(mermaid)), e.getMessage());
        Path none = dir.resolve("None.java");
        Files.writeString(none, "/** No diagram. */\nclass None {}\n");
        assertThrows(TestAbortedException.class, () -> check(none, mermaid));
    }
}
