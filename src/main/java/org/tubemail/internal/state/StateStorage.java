package org.tubemail.internal.state;

/**
 * Where the router keeps each handler module's current state for a state key (by default the sender).
 *
 * <p>Every implementation behaves like {@link MemoryStorage}: an unknown key reads as {@link #START},
 * a completed {@link #set} is visible to every later {@link #get} from any thread, and setting a key
 * back to {@code START} is the same as forgetting it. Implementations are thread-safe. Keep it lean:
 * state names only, never session data.
 */
public interface StateStorage extends AutoCloseable {

    /** The state every key starts in. */
    String START = "START";

    /** The state a key is put in when its handler throws. */
    String ERROR = "ERROR";

    /**
     * Returns the state of {@code module} for {@code key}, or {@link #START} when none was stored.
     *
     * @param module the handler module's name
     * @param key    the state key, normally the normalised envelope sender
     */
    String get(String module, String key);

    /**
     * Stores {@code state} for {@code module} and {@code key}. When this returns, the change is as
     * durable as the implementation promises (for the MapDB storage: committed to disk).
     */
    void set(String module, String key, String state);

    /**
     * Runs {@code work} while holding {@code module}/{@code key} exclusively across every process that
     * shares this storage. The router calls it (inside its own in-process lock) around each stateful
     * method, so that a storage shared by several servers serialises one key across them. The default,
     * for storages used by one process only, just runs {@code work}.
     */
    default <T> T withKeyLock(String module, String key, java.util.function.Supplier<T> work) {
        return work.get();
    }

    /**
     * Runs {@code work}, whose {@link #set} calls may return before their changes are as durable as
     * promised, then {@code afterDurable} once every change {@code work} made is: at once for a
     * storage that makes each change durable before {@code set} returns (the default), later and
     * from the storage's own thread for one that batches its disk syncs. The changes are visible to
     * every {@link #get} at once either way. If {@code work} throws, {@code afterDurable} is never
     * run; nor is it when the storage cannot make the changes durable (then it logs why).
     *
     * <p>For callers that keep their input until it is fully processed, such as a spool that
     * removes a routed message only in {@code afterDurable}: a crash then loses no change whose
     * input is gone, and one disk sync serves many messages instead of one sync each.
     */
    default void deferDurability(Runnable work, Runnable afterDurable) {
        work.run();
        afterDurable.run();
    }

    /**
     * Counts {@code module}'s keys by their state, for the console's drawing of the module: every
     * stored state with its number of keys, the error state included. {@code START} has no count,
     * since a key in {@code START} is not stored. The answer is a snapshot taken while mail may be
     * routed; it costs a pass over the module's keys (MapDB: over every key in the file), so it
     * serves an operator's look, not the path of a message.
     *
     * @throws UnsupportedOperationException for a storage that cannot list its keys (the default)
     */
    default java.util.Map<String, Long> countByState(String module) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot count its keys by state");
    }

    /** Forgets every state. Meant for tests and development. */
    void clear();

    /** Releases files, threads or connections; the default does nothing. */
    @Override
    default void close() {
    }
}
