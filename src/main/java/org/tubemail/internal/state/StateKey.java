package org.tubemail.internal.state;

import java.util.Objects;

/**
 * A {@code (module, key)} pair: the unit that state, ordering and locking are per.
 *
 * @param module the handler module's name
 * @param key    the state key inside that module (normally the sender)
 */
public record StateKey(String module, String key) {

    /** Checks both parts are present. */
    public StateKey {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return module + ":" + key;
    }
}
