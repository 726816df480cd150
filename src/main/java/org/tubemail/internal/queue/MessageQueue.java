package org.tubemail.internal.queue;

import java.util.List;
import java.util.Optional;

/**
 * A queue of whole messages (raw RFC 5322 bytes) under string keys. The undeliverable queue, the
 * spool a queue receiver reads and the relay's retry queue are all message queues.
 *
 * <p>Keys are opaque and unique; {@link #keys()} lists them oldest first. Implementations are safe
 * for concurrent use; the maildir one also across processes.
 */
public interface MessageQueue {

    /** Stores a message and returns its key. When this returns, the message is stored. */
    String push(byte[] message);

    /**
     * Stores several messages and returns their keys, in order. When this returns, all are stored;
     * when it throws, any of them may be. The default pushes them one by one; a queue that syncs
     * to disk stores the batch with one sync, and says so in {@link #syncsBatches()}.
     */
    default List<String> pushAll(List<byte[]> messages) {
        return messages.stream().map(this::push).toList();
    }

    /**
     * Whether {@link #pushAll} costs about one push, so that one thread pushing batches beats
     * several threads pushing one message each. The default says no.
     */
    default boolean syncsBatches() {
        return false;
    }

    /** Removes and returns the oldest message, if any. */
    Optional<QueuedMessage> pop();

    /**
     * Takes the oldest unclaimed message without deleting it; no other claimer gets it. Call
     * {@link #remove} once it is processed: a crash in between leaves it claimed, and
     * {@link #recover()} at the next start hands it out again (at-least-once processing).
     */
    Optional<QueuedMessage> claim();

    /**
     * Claims the message under {@code key}, as {@link #claim()} does, if it is still waiting; empty
     * when another claimer took it first or it is gone. Lets the thread that pushed a message
     * process it at once.
     */
    Optional<QueuedMessage> claim(String key);

    /**
     * Claims the message under {@code key} as {@link #claim(String)} does, for the thread that has
     * just pushed it and still holds its bytes ({@code pushed}, exactly as pushed): a queue may then
     * hand those back instead of reading the message again. The default reads it.
     */
    default Optional<QueuedMessage> claim(String key, byte[] pushed) {
        return claim(key);
    }

    /**
     * Makes every claimed but not removed message claimable again. Call at start-up, before any
     * claim, when no other process works on this queue.
     *
     * @return the keys made claimable again
     */
    List<String> recover();

    /** Returns the message under {@code key}, if it is still there. */
    Optional<byte[]> get(String key);

    /** Removes the message under {@code key}; returns whether it was there. */
    boolean remove(String key);

    /** How many messages are queued. */
    int count();

    /** Removes every message. */
    void clear();

    /** Every key, oldest first. */
    List<String> keys();

    /**
     * A message taken from a queue.
     *
     * @param key     the key it was stored under
     * @param message its raw bytes
     */
    record QueuedMessage(String key, byte[] message) {
    }
}
