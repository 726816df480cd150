package org.tubemail.routing;

import org.tubemail.state.StateKey;
import org.tubemail.state.StateStorage;

import java.util.function.Supplier;

/**
 * Changes a module's state from outside routing (a web page, a timer, an administration tool)
 * under the lock routing holds for that key: such a change never interleaves with a message being
 * routed for the same key, and a message routed after it sees it. Handlers get it while wiring,
 * from {@link Router.Builder#stateChanges()} ({@code BootContext.stateChanges()}); it can be used
 * once the router is built.
 */
public final class StateChanges {

    private final KeyLocks locks = new KeyLocks();
    private volatile StateStorage storage;

    StateChanges() {
    }

    /** Called by the router this object belongs to, when it is built. */
    void bind(StateStorage storage) {
        this.storage = storage;
    }

    /**
     * Runs {@code work} while holding {@code module}'s lock for {@code key}: in this process, and in
     * the storage for storages shared by several servers ({@link StateStorage#withKeyLock}).
     *
     * @throws IllegalStateException before the router is built
     */
    public <T> T withKey(String module, String key, Supplier<T> work) {
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

    /** Puts {@code module}'s {@code key} in {@code state}, as routing would; see {@link #withKey}. */
    public void set(String module, String key, String state) {
        withKey(module, key, () -> {
            storage.set(module, key, state);
            return null;
        });
    }

    /** How many keys hold or wait for a lock now. */
    int lockedKeys() {
        return locks.size();
    }
}
