package org.tubemail.internal.state.pg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Maps a {@code (module, key)} pair to a 64-bit PostgreSQL advisory lock id: the first 8 bytes of
 * SHA-256 over the length-prefixed module and the key, so that {@code ("a:b", "c")} and
 * {@code ("a", "b:c")} differ. Two pairs sharing an id (chance about 2^-64 per pair) are merely
 * serialised together; no state is shared.
 */
public final class LockIds {

    private LockIds() {
    }

    /** The advisory lock id of {@code module}/{@code key}. */
    public static long of(String module, String key) {
        byte[] m = module.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + m.length + k.length).putInt(m.length).put(m).put(k);
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(buf.array())).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
