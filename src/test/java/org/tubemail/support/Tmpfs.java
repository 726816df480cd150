package org.tubemail.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test, so that a store can really run out of space. Mounting needs
 * root (CI runs as root); elsewhere the test is skipped with the reason. {@link #fill} takes the
 * free space with a filler file, {@link #free} gives it back.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path dir;
    private final Path filler;

    private Tmpfs(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve(".filler");
    }

    /** Mounts a tmpfs of {@code bytes} on a new temporary folder. */
    public static Tmpfs mount(long bytes) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root (CI runs as root); this test fills a real file system");
        Path dir = Files.createTempDirectory("tubemail-full");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(done, "cannot mount a tmpfs here: " + out.strip());
        return new Tmpfs(dir);
    }

    /** The mounted folder. */
    public Path dir() {
        return dir;
    }

    /** Writes a filler file until the file system is full, then gives back {@code leave} bytes. */
    public void fill(long leave) throws IOException {
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            try {
                while (true) {
                    block.clear();
                    ch.write(block);
                }
            } catch (IOException full) {
                if (!String.valueOf(full.getMessage()).contains("No space left")) {
                    throw full;
                }
            }
            ch.truncate(Math.max(0, ch.size() - leave));
        }
    }

    /** Deletes the filler file: the space it took is free again. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Free bytes now. */
    public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws Exception {
        Process p = new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(20, TimeUnit.SECONDS);
        Files.deleteIfExists(dir);
    }
}
