package org.tubemail.internal.http;

import org.tubemail.internal.routing.HandlerModule;
import org.tubemail.internal.routing.StateGraph;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.internal.state.StateStorageException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module's state machine as {@code GET /api/graph} shows it: the states and arrows read from its
 * code ({@link StateGraph}), the Mermaid text, and how many keys are in each state now.
 */
final class GraphView {

    private GraphView() {
    }

    /**
     * The JSON-ready view of {@code module}. {@code keys} counts every state of the graph other than
     * {@code START} (which is every key not stored, so it has no count), the error state, and any
     * other state keys are stored in (one that no method handles any more, say); it is null, with
     * {@code keysError} saying why, when the storage cannot count now.
     */
    static Map<String, Object> of(HandlerModule module, StateStorage storage, String errorState) {
        StateGraph graph = StateGraph.of(module);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("module", graph.module());
        out.put("states", graph.states());
        out.put("errorState", errorState);
        List<Map<String, Object>> transitions = new ArrayList<>();
        for (StateGraph.Transition t : graph.transitions()) {
            transitions.add(Map.of("from", t.from(), "to", t.to(), "routes", t.routes()));
        }
        out.put("transitions", transitions);
        out.put("mermaid", graph.mermaid());
        try {
            Map<String, Long> stored = storage.countByState(module.name());
            Map<String, Long> keys = new LinkedHashMap<>();
            graph.states().stream().filter(s -> !s.equals(StateStorage.START)).forEach(s -> keys.put(s, stored.getOrDefault(s, 0L)));
            keys.putIfAbsent(errorState, stored.getOrDefault(errorState, 0L));
            stored.forEach(keys::putIfAbsent);
            out.put("keys", keys);
        } catch (StateStorageException | UnsupportedOperationException e) {
            out.put("keys", null);
            out.put("keysError", e.getMessage());
        }
        return out;
    }
}
