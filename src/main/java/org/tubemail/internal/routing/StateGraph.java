package org.tubemail.internal.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A handler module's state machine as drawn by {@code bin/tubemail graph}: its states, and an arrow
 * from each state to every state its method may return (read from the code, see
 * {@link HandlerModule#nextStates}), labelled with the routes that lead along it.
 *
 * @param module      the module's name
 * @param states      its states, {@code START} first
 * @param transitions its arrows
 */
public record StateGraph(String module, List<String> states, List<Transition> transitions) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * One arrow.
     *
     * @param from   the state the sender is in
     * @param to     the state it moves to
     * @param routes the routes of the methods that move it, e.g. {@code list-confirm@(host)}
     */
    public record Transition(String from, String to, List<String> routes) {
    }

    public StateGraph {
        states = List.copyOf(states);
        transitions = List.copyOf(transitions);
    }

    /** The graph of {@code module}. */
    public static StateGraph of(HandlerModule module) {
        List<String> order = module.states();
        List<StateMethod> methods = new ArrayList<>(module.methods());
        methods.sort(java.util.Comparator.comparingInt(m -> order.indexOf(m.state())));
        Map<List<String>, Set<String>> arrows = new LinkedHashMap<>();
        for (StateMethod m : methods) {
            for (String next : module.nextStates(m)) {
                arrows.computeIfAbsent(List.of(m.state(), next), k -> new LinkedHashSet<>()).add(m.route().source());
            }
        }
        List<Transition> transitions = new ArrayList<>();
        arrows.forEach((ends, routes) -> transitions.add(new Transition(ends.get(0), ends.get(1), List.copyOf(routes))));
        List<String> states = new ArrayList<>(order);
        transitions.stream().map(Transition::to).filter(s -> !states.contains(s)).distinct().forEach(states::add);
        transitions.sort(java.util.Comparator.comparingInt((Transition t) -> states.indexOf(t.from()))
                .thenComparingInt(t -> states.indexOf(t.to())));
        return new StateGraph(module.name(), states, transitions);
    }

    /** The graph as a Mermaid {@code stateDiagram-v2}, one line per state name that needs quoting and per arrow. */
    public String mermaid() {
        StringBuilder out = new StringBuilder("stateDiagram-v2\n");
        Map<String, String> ids = new LinkedHashMap<>();
        for (String s : states) {
            String id = IDENTIFIER.matcher(s).matches() ? s : "s" + ids.size();
            ids.put(s, id);
            if (!id.equals(s)) {
                out.append("    state \"").append(s.replace("\"", "'")).append("\" as ").append(id).append('\n');
            }
        }
        if (!states.isEmpty()) {
            out.append("    [*] --> ").append(ids.get(states.get(0))).append('\n');
        }
        for (Transition t : transitions) {
            out.append("    ").append(ids.get(t.from())).append(" --> ").append(ids.get(t.to()))
                    .append(" : ").append(String.join(", ", t.routes()).replace(";", "#59;")).append('\n');
        }
        return out.toString();
    }
}
