package org.tubemail.internal.server.guard;

/**
 * Where a {@link Greylist} keeps its entries: a time (milliseconds since the epoch) per key, each
 * with its own expiry, so that a triplet never retried and a client no longer seen are forgotten.
 * Implementations are thread-safe and behave alike (one contract test suite runs against each):
 * {@link MemoryGreylistStore}, {@link MapDbGreylistStore} and {@link PostgresGreylistStore};
 * {@link GreylistStores#beside} picks the one that lives where the state storage lives, so that
 * servers sharing states on PostgreSQL share the greylist too. An expired entry reads as absent.
 * A change is visible to every later call at once; how soon it is durable is the store's promise
 * (the MapDB store commits once a second: a greylist is soft state).
 */
public interface GreylistStore extends AutoCloseable {

    /**
     * The time stored under {@code key} by its live entry; when there is none (never stored, or
     * expired), stores {@code nowMillis} until {@code expiresAtMillis} and returns it. Atomic: of
     * concurrent callers (on every server sharing the store) with no live entry, all get one time.
     */
    long firstSeen(String key, long nowMillis, long expiresAtMillis);

    /** The time stored under {@code key}, or -1 when it has no entry live at {@code nowMillis}. */
    long get(String key, long nowMillis);

    /** Stores {@code valueMillis} under {@code key} until {@code expiresAtMillis}, replacing any entry. */
    void put(String key, long valueMillis, long expiresAtMillis);

    /** Removes every entry that expired before {@code nowMillis}; returns how many. */
    int removeExpired(long nowMillis);

    /** How many entries are stored, expired ones not yet removed included. */
    int count();

    /** Forgets every entry. Meant for tests and development. */
    void clear();

    /** Releases files or connections; the default does nothing. */
    @Override
    default void close() {
    }
}
