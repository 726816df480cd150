package org.tubemail.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Keeps an append-only file longer than its contents, zero-filled a chunk at a time, so that
 * appends overwrite blocks that already exist. A data sync ({@code fdatasync}, {@code
 * force(false)}) after such an append has no file size to record: on ext4 on this project's
 * machines that halves both its time (0.24 to 0.13 ms) and the CPU it costs (105 to 56 µs), and
 * only the sync after each new chunk pays the full price. Write-ahead logs of databases are
 * preallocated for the same reason.
 *
 * <p>Readers of such a file must take a zeroed record header as the end of the records.
 */
public final class ZeroFilledTail {

    /** How far the file is extended at a time. */
    public static final int CHUNK = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);

    private final FileChannel channel;
    private long allocated;

    /** For {@code channel}, whose current length counts as allocated. */
    public ZeroFilledTail(FileChannel channel) throws IOException {
        this.channel = channel;
        this.allocated = channel.size();
    }

    /** Makes sure the file is at least {@code end} bytes long, extending it by whole chunks of zeros. */
    public void reserve(long end) throws IOException {
        if (end <= allocated) {
            return;
        }
        long target = (end / CHUNK + 1) * CHUNK;
        long at = allocated;
        while (at < target) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), target - at));
            at += channel.write(zeros, at);
        }
        allocated = target;
    }

    /** Forgets the allocation after the file was truncated to {@code length}. */
    public void truncated(long length) {
        allocated = length;
    }
}
