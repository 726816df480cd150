package org.tubemail.confirm;

import java.util.Optional;

/**
 * Where a {@link ConfirmationEngine} keeps pending confirmations: at most one per
 * {@code (target, sender)}. Implementations are thread-safe and behave alike (one contract test
 * suite runs against each): {@code MemoryConfirmationStore}, {@code MapDbConfirmationStore} and
 * {@code PostgresConfirmationStore}; {@code ConfirmationStores.beside} picks the one that matches
 * the state storage. When a method returns, its change is as durable as the store promises.
 */
public interface ConfirmationStore extends AutoCloseable {

    /** Stores {@code pending} for {@code target} and {@code sender}, replacing any earlier one. */
    void put(String target, String sender, PendingConfirmation pending);

    /**
     * Removes and returns the pending confirmation of {@code target} and {@code sender} if its token
     * is {@code token}; otherwise changes nothing. Atomic: of several concurrent callers with the
     * right token, exactly one gets it.
     */
    Optional<PendingConfirmation> take(String target, String sender, String token);

    /** Removes the pending confirmation of {@code target} and {@code sender}; returns whether there was one. */
    boolean remove(String target, String sender);

    /** Removes every confirmation that expired before {@code nowMillis}; returns how many. */
    int removeExpired(long nowMillis);

    /** How many confirmations are pending. */
    int count();

    /** Forgets every confirmation. Meant for tests and development. */
    void clear();

    /** Releases files or connections; the default does nothing. */
    @Override
    default void close() {
    }
}
