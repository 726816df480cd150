package org.tubemail.internal.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The hostile-input corpus in {@code src/test/resources/corpus} (made by its {@code make_corpus.py}). */
public final class Corpus {

    private Corpus() {
    }

    public static List<Path> files() {
        try (Stream<Path> s = Files.list(Path.of(Corpus.class.getResource("/corpus").toURI()))) {
            return s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A multipart message with {@code parts} parts. */
    static byte[] manyParts(int parts) {
        StringBuilder b = new StringBuilder("From: a@example.org\r\nTo: list@example.com\r\nSubject: many\r\n"
                + "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
        for (int i = 0; i < parts; i++) {
            b.append("--p\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
        }
        return b.append("--p--\r\n").toString().getBytes();
    }

    /** A message whose multiparts nest {@code depth} deep. */
    static byte[] nested(int depth) {
        StringBuilder head = new StringBuilder("From: a@example.org\r\nTo: list@example.com\r\nSubject: deep\r\n");
        StringBuilder tail = new StringBuilder();
        for (int d = 0; d < depth; d++) {
            head.append("Content-Type: multipart/mixed; boundary=d").append(d).append("\r\n\r\n--d").append(d).append("\r\n");
            tail.insert(0, "\r\n--d" + d + "--\r\n");
        }
        return (head + "Content-Type: text/plain\r\n\r\nbottom" + tail).getBytes();
    }
}
