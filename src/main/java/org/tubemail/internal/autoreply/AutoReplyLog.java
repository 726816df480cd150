package org.tubemail.internal.autoreply;

/**
 * How many automatic replies each responder (a handler module) sent to each address in the current
 * window, for the limit of RFC 3834 (§2: not the same reply to the same sender over and over). A
 * window opens with the first reply counted and lasts one period. Implementations are thread-safe
 * and behave alike (one contract test suite runs against each): {@link MemoryAutoReplyLog},
 * {@link MapDbAutoReplyLog} and {@link PostgresAutoReplyLog}, which every server sharing the
 * database shares; {@link AutoReplyLogs#beside} picks the one that matches the state storage.
 */
public interface AutoReplyLog extends AutoCloseable {

    /**
     * Counts one reply from {@code responder} to {@code address} at {@code nowMillis} and returns
     * true, when fewer than {@code limit} were counted in their window (a window that ended starts
     * again, lasting {@code periodMillis}); otherwise changes nothing and returns false. Atomic: of
     * concurrent callers, at most {@code limit} per window get true.
     */
    boolean tryCount(String responder, String address, long nowMillis, long periodMillis, int limit);

    /** Forgets every window that ended at or before {@code nowMillis}; returns how many. */
    int removeExpired(long nowMillis);

    /** How many (responder, address) windows are kept. */
    int count();

    /** Forgets everything. Meant for tests and development. */
    void clear();

    /** Releases files or connections; the default does nothing. */
    @Override
    default void close() {
    }
}
