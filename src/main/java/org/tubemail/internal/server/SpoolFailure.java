package org.tubemail.internal.server;

import org.tubemail.internal.io.DiskFull;

/** What a receiver answers when it cannot store or route a message now. */
public final class SpoolFailure {

    /** The reply when the spool's file system is full (RFC 3463: mail system full). */
    static final String FULL = "452 4.3.1 Mail system full, try again later";
    /** The reply when the spool fails for another reason. */
    static final String FAILED = "451 4.3.0 Cannot store the message now, try again later";

    private SpoolFailure() {
    }

    /** {@link #FULL} when {@code e} comes from a full disk, else {@link #FAILED}. */
    public static String reply(Throwable e) {
        return DiskFull.causes(e) ? FULL : FAILED;
    }
}
