package org.tubemail.internal.routing;

import java.util.Map;

/**
 * One state method an address reaches, as told by {@link Router#explain}.
 *
 * @param method       the state method
 * @param captures     the capture values the address gives
 * @param stateKey     the state key used for the module
 * @param currentState the module's current state for that key
 * @param wouldRun     whether a message would run this method now
 */
public record RouteCheck(StateMethod method, Map<String, String> captures, String stateKey, String currentState,
                         boolean wouldRun) {

    @Override
    public String toString() {
        return String.format("%-40s %-10s %s state=%s key=%s %s%s", method.route().source(), method.state(),
                method.qualifiedName(), currentState, stateKey, wouldRun ? "RUNS" : "(waits for state " + method.state() + ")",
                captures.isEmpty() ? "" : " " + captures);
    }
}
