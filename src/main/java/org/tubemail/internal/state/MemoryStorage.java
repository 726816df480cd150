package org.tubemail.internal.state;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps states in memory: the default for tests and development. Nothing survives a restart.
 * Keys in {@code START} take no memory.
 */
public final class MemoryStorage implements StateStorage {

    private final Map<StateKey, String> states = new ConcurrentHashMap<>();

    @Override
    public String get(String module, String key) {
        return states.getOrDefault(new StateKey(module, key), START);
    }

    @Override
    public void set(String module, String key, String state) {
        StateKey k = new StateKey(module, key);
        if (START.equals(state)) {
            states.remove(k);
        } else {
            states.put(k, state);
        }
    }

    @Override
    public Map<String, Long> countByState(String module) {
        Map<String, Long> out = new TreeMap<>();
        states.forEach((k, state) -> {
            if (k.module().equals(module)) {
                out.merge(state, 1L, Long::sum);
            }
        });
        return out;
    }

    @Override
    public void clear() {
        states.clear();
    }

    /** How many keys are in a state other than {@code START}. */
    public int size() {
        return states.size();
    }
}
