package org.tubemail.internal.io;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The low-space watermark of a store's file system, after Postfix's {@code queue_minfree}: a
 * receiver refuses new mail at {@code MAIL} while fewer than {@code minFreeBytes} are free, so that
 * clients are turned away before they send data that could not be stored. The reading is taken at
 * most every {@value #REFRESH_MS} ms.
 */
public final class FreeSpace {

    static final long REFRESH_MS = 250;

    private final Path dir;
    private final long minFreeBytes;
    private volatile long usable = Long.MAX_VALUE;
    private volatile long readAt;

    /** Watches the file system holding {@code dir}; {@code minFreeBytes} 0 turns the watermark off. */
    public FreeSpace(Path dir, long minFreeBytes) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must not be negative: " + minFreeBytes);
        }
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
    }

    /** No watermark: never low. */
    public static FreeSpace unlimited() {
        return new FreeSpace(Path.of("."), 0);
    }

    /** Whether free space is below the watermark. */
    public boolean low() {
        return minFreeBytes > 0 && usableBytes() < minFreeBytes;
    }

    /** Bytes free for this process on the watched file system ({@link Long#MAX_VALUE} when it cannot be read). */
    public long usableBytes() {
        long now = System.nanoTime() / 1_000_000;
        if (now - readAt >= REFRESH_MS || readAt == 0) {
            usable = read();
            readAt = now;
        }
        return usable;
    }

    private long read() {
        try {
            Path p = dir;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            FileStore store = Files.getFileStore(p == null ? Path.of(".") : p);
            return store.getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE; // cannot tell: let the write itself decide
        }
    }

    /** The watermark in bytes (0: off). */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** The watched folder. */
    public Path dir() {
        return dir;
    }
}
