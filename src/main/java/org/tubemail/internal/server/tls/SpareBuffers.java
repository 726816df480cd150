package org.tubemail.internal.server.tls;

import java.nio.ByteBuffer;

/**
 * Emptied TLS buffers kept per thread for the next use on that thread: an event loop reads many
 * sessions' records one after another, and without these it would allocate, zero and soon collect
 * two 16 KiB buffers per read. A thread keeps at most {@value #KEPT}; a buffer is handed back only
 * when nothing refers to it any more, and what it held is never read again (it is cleared when taken).
 */
final class SpareBuffers {

    /** Buffers kept per thread: a network and a plaintext buffer for reading, one for writing. */
    static final int KEPT = 3;

    private static final ThreadLocal<ByteBuffer[]> SPARE = ThreadLocal.withInitial(() -> new ByteBuffer[KEPT]);

    private SpareBuffers() {
    }

    /** An empty buffer of at least {@code size} bytes, in write mode: a kept one, else a new one. */
    static ByteBuffer take(int size) {
        ByteBuffer[] spare = SPARE.get();
        for (int i = 0; i < spare.length; i++) {
            ByteBuffer b = spare[i];
            if (b != null && b.capacity() >= size) {
                spare[i] = null;
                return b.clear();
            }
        }
        return ByteBuffer.allocate(size);
    }

    /** Keeps {@code b}, which its owner drops, for this thread's next {@link #take}; returns {@code null} for the owner's field. */
    static ByteBuffer give(ByteBuffer b) {
        ByteBuffer[] spare = SPARE.get();
        for (int i = 0; i < spare.length; i++) {
            if (spare[i] == null) {
                spare[i] = b;
                return null;
            }
        }
        return null;
    }
}
