package org.tubemail.handler;

import java.util.function.Function;

/**
 * Changes a module's state from outside routing (a web page, a timer, an administration tool)
 * under the lock routing holds for that key: such a change never interleaves with a message being
 * routed for the same key, and a message routed after it sees it. Handlers get it while wiring
 * ({@code BootContext.stateChanges()}); it works once the router is built.
 *
 * <pre>{@code
 * changes.withKey(MailingListHandler.class, key, state -> {
 *     boolean was = db.removeMember(list, member);
 *     if (was) state.set(State.START);
 *     return was;
 * });
 * }</pre>
 */
public interface StateChanges {

    /** One key's state, read and changed while its lock is held. */
    interface KeyState {

        /** The key's state now ({@code START} for a key never seen). */
        String get();

        /** Puts the key in {@code state}, as a state method's return value would. */
        void set(String state);

        /** Puts the key in a state of the module's {@code enum}. */
        default void set(Enum<?> state) {
            set(state.name());
        }
    }

    /**
     * Runs {@code work} while holding {@code module}'s lock for {@code key}, in this process and, for
     * a storage several servers share, in the storage.
     *
     * @throws IllegalStateException before the router is built
     */
    <T> T withKey(String module, String key, Function<KeyState, T> work);

    /** As {@link #withKey(String, String, Function)}, for the module of a handler class ({@link Handler}'s name, or the class name). */
    <T> T withKey(Class<?> handler, String key, Function<KeyState, T> work);

    /** Puts {@code module}'s {@code key} in {@code state}; see {@link #withKey(String, String, Function)}. */
    default void set(String module, String key, String state) {
        withKey(module, key, s -> {
            s.set(state);
            return null;
        });
    }

    /** Puts the {@code handler} module's {@code key} in {@code state}; see {@link #withKey(Class, String, Function)}. */
    default void set(Class<?> handler, String key, Enum<?> state) {
        withKey(handler, key, s -> {
            s.set(state);
            return null;
        });
    }
}
