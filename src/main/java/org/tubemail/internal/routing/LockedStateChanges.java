package org.tubemail.internal.routing;

import org.tubemail.handler.StateChanges;
import org.tubemail.internal.state.StateKey;
import org.tubemail.internal.state.StateStorage;

import java.util.function.Function;
import java.util.function.Supplier;

/** The router's {@link StateChanges}: its per-key locks, which routing itself takes too. */
final class LockedStateChanges implements StateChanges {

    private final KeyLocks locks = new KeyLocks();
    private volatile StateStorage storage;

    /** Called by the router this object belongs to, when it is built. */
    void bind(StateStorage storage) {
        this.storage = storage;
    }

    @Override
    public <T> T withKey(String module, String key, Function<KeyState, T> work) {
        StateStorage s = storage();
        return locked(module, key, () -> work.apply(new KeyState() {
            @Override
            public String get() {
                return s.get(module, key);
            }

            @Override
            public void set(String state) {
                s.set(module, key, state);
            }
        }));
    }

    @Override
    public <T> T withKey(Class<?> handler, String key, Function<KeyState, T> work) {
        return withKey(HandlerModule.nameOf(handler), key, work);
    }

    /**
     * Runs {@code work} holding {@code module}'s lock for {@code key}: in this process, and in the
     * storage for storages shared by several servers ({@link StateStorage#withKeyLock}).
     */
    <T> T locked(String module, String key, Supplier<T> work) {
        StateStorage s = storage;
        if (s == null) {
            throw new IllegalStateException("state of " + module + "/" + key
                    + " cannot be changed before the router is built: change it once the server runs, not while wiring");
        }
        StateKey k = new StateKey(module, key);
        locks.lock(k);
        try {
            return s.withKeyLock(module, key, work);
        } finally {
            locks.unlock(k);
        }
    }

    private StateStorage storage() {
        StateStorage s = storage;
        if (s == null) {
            throw new IllegalStateException("state cannot be changed before the router is built: change it once the server runs, not while wiring");
        }
        return s;
    }

    /** How many keys hold or wait for a lock now. */
    int lockedKeys() {
        return locks.size();
    }
}
