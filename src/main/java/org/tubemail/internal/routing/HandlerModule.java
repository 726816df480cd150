package org.tubemail.internal.routing;

import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.State;
import org.tubemail.handler.StateKeyed;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.mail.MailRequest;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded handler module: one object whose annotated methods form a state machine. Loading checks
 * the class thoroughly and fails with a {@link HandlerDefinitionException} naming the class and
 * method, so that mistakes surface at start-up rather than when mail arrives.
 */
public final class HandlerModule {

    private final String name;
    private final Object instance;
    private final Map<String, StateMethod> stateful = new LinkedHashMap<>();
    private final List<StateMethod> stateless = new ArrayList<>();
    private final List<StateMethod> routesOfStates = new ArrayList<>();
    /** The states each stateful method may move its sender to ({@link NextStates}), in method order. */
    private final Map<StateMethod, Set<String>> next = new LinkedHashMap<>();
    /** The module's state enum, when its methods return one; {@code null} for string states. */
    private Class<?> stateType;
    private boolean anyNoLocking;

    private HandlerModule(String name, Object instance) {
        this.name = name;
        this.instance = instance;
    }

    /** A handler class's module name: its {@link Handler} name, or its class name. */
    public static String nameOf(Class<?> type) {
        Handler named = type.getAnnotation(Handler.class);
        return named != null ? named.value() : type.getName();
    }

    /**
     * Loads {@code instance}'s state methods.
     *
     * @param defaults   the router-wide capture regexes
     * @param exactCase  whether every route matches its local part exactly
     * @param errorState the state a failed method leaves its sender in, which needs no method
     * @throws HandlerDefinitionException when the class is not a valid handler module
     */
    static HandlerModule load(Object instance, Map<String, String> defaults, boolean exactCase, String errorState) {
        if (instance instanceof ConfiguredRoute configured) {
            return configured(configured, defaults, exactCase);
        }
        Class<?> type = instance.getClass();
        HandlerModule module = new HandlerModule(nameOf(type), instance);
        List<Method> methods = stateMethods(type);
        if (methods.isEmpty()) {
            throw new HandlerDefinitionException(type.getName() + " has no method annotated with @Route or @RouteLike");
        }
        module.stateType = stateType(type, methods);
        for (Method m : methods) {
            module.add(type, m, defaults, exactCase);
        }
        if (!module.stateful.isEmpty() && !module.stateful.containsKey(StateStorage.START)) {
            throw new HandlerDefinitionException(type.getName() + " has stateful methods " + module.stateful.keySet()
                    + " but none for the first state START: name a method START or annotate one with @State(\"START\")");
        }
        module.checkNextStates(errorState);
        return module;
    }

    /** The one enum type the module's state methods return, or {@code null} when they return strings (or nothing). */
    private static Class<?> stateType(Class<?> type, List<Method> methods) {
        Class<?> found = null;
        for (Method m : methods) {
            Class<?> r = m.getReturnType();
            if (r.isEnum()) {
                if (found != null && found != r) {
                    throw new HandlerDefinitionException(ParameterBinder.where(type, m) + " returns " + r.getName() + ", but other state methods of "
                            + type.getName() + " return " + found.getName() + ": a module's states are one enum");
                }
                found = r;
            }
        }
        return found;
    }

    /**
     * Reads each stateful method's possible next states and checks, for enum states, that every
     * state a method is named after or may return has a method (or is the error state).
     */
    private void checkNextStates(String errorState) {
        Map<Method, Optional<Set<String>>> read = new HashMap<>();
        for (StateMethod sm : routesOfStates) {
            Set<String> states = new LinkedHashSet<>();
            for (String s : read.computeIfAbsent(sm.method(), m -> NextStates.of(m, stateType)).orElse(Set.of())) {
                if (stateful.containsKey(s) || s.equals(errorState)) {
                    states.add(s);
                } else if (stateType != null) {
                    throw new HandlerDefinitionException(sm.qualifiedName() + " may return " + stateType.getSimpleName() + "." + s
                            + ", which no method of " + name + " handles: add a method " + s + " (or @State(\"" + s + "\") on one)");
                }
            }
            next.put(sm, java.util.Collections.unmodifiableSet(states)); // in the order the code names them: drawings stay the same
        }
    }

    /** A module with one stateless method, {@link ConfiguredRoute#handle}, on the route it names. */
    private static HandlerModule configured(ConfiguredRoute instance, Map<String, String> defaults, boolean exactCase) {
        HandlerModule module = new HandlerModule(instance.name(), instance);
        Method handle;
        try {
            handle = ConfiguredRoute.class.getMethod("handle", MailRequest.class, Map.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        RoutePattern route;
        try {
            route = RoutePattern.compile(instance.route(), Map.of(), defaults, exactCase);
        } catch (IllegalArgumentException e) {
            throw new HandlerDefinitionException(instance.name() + ": route '" + instance.route() + "': " + e.getMessage(), e);
        }
        module.stateless.add(new StateMethod(module, handle, "handle", route, true, false,
                ParameterBinder.plan(ConfiguredRoute.class, handle, route)));
        return module;
    }

    private static List<Method> stateMethods(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (hasRoute(m)) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Method::getName));
        return out;
    }

    private static boolean hasRoute(Method m) {
        return m.getAnnotationsByType(Route.class).length > 0 || m.isAnnotationPresent(RouteLike.class);
    }

    private void add(Class<?> type, Method m, Map<String, String> defaults, boolean exactCase) {
        String where = ParameterBinder.where(type, m);
        if (Modifier.isStatic(m.getModifiers())) {
            throw new HandlerDefinitionException(where + ": state methods must not be static");
        }
        if (m.getReturnType() != String.class && m.getReturnType() != void.class && !m.getReturnType().isEnum()) {
            throw new HandlerDefinitionException(where + ": a state method returns the next state (an enum constant or a String) or void, not "
                    + m.getReturnType().getSimpleName());
        }
        String state = stateName(m);
        if (stateType != null && !m.isAnnotationPresent(Stateless.class) && !isConstant(stateType, state)) {
            throw new HandlerDefinitionException(where + ": its state '" + state + "' is not a constant of " + stateType.getName()
                    + ", the module's states: name the method after one, or annotate it with @State");
        }
        boolean isStateless = m.isAnnotationPresent(Stateless.class);
        m.setAccessible(true);
        StateMethod previous = isStateless ? null : stateful.get(state);
        if (previous != null) {
            throw new HandlerDefinitionException(where + ": state '" + state + "' is already handled by "
                    + previous.qualifiedName() + "; each state has one method (give it several @Route instead)");
        }
        for (RoutePattern route : resolveRoutes(type, m, defaults, exactCase, new HashSet<>())) {
            StateMethod sm = new StateMethod(this, m, state, route, isStateless, m.isAnnotationPresent(NoLocking.class),
                    ParameterBinder.plan(type, m, route));
            if (isStateless) {
                stateless.add(sm);
            } else {
                stateful.putIfAbsent(state, sm);
                routesOfStates.add(sm);
                anyNoLocking |= sm.isNoLocking();
            }
        }
    }

    private static boolean isConstant(Class<?> states, String name) {
        return Arrays.stream(states.getEnumConstants()).anyMatch(c -> ((Enum<?>) c).name().equals(name));
    }

    private static String stateName(Method m) {
        State s = m.getAnnotation(State.class);
        return s != null ? s.value() : m.getName();
    }

    private static List<RoutePattern> resolveRoutes(Class<?> type, Method m, Map<String, String> defaults, boolean exactCase,
                                                    Set<String> seen) {
        String where = ParameterBinder.where(type, m);
        if (!seen.add(where)) {
            throw new HandlerDefinitionException(where + ": @RouteLike chain loops back to itself");
        }
        Route[] routes = m.getAnnotationsByType(Route.class);
        RouteLike like = m.getAnnotation(RouteLike.class);
        if (routes.length > 0 && like != null) {
            throw new HandlerDefinitionException(where + ": use either @Route or @RouteLike, not both");
        }
        if (routes.length > 0) {
            List<RoutePattern> out = new ArrayList<>();
            for (Route route : routes) {
                try {
                    out.add(RoutePattern.compile(route.value(), parseWhere(route.where()), defaults, exactCase || route.exactCase()));
                } catch (IllegalArgumentException e) {
                    throw new HandlerDefinitionException(where + ": " + e.getMessage(), e);
                }
            }
            return out;
        }
        Class<?> target = like.module() == void.class ? type : like.module();
        Method targetMethod = Arrays.stream(target.getDeclaredMethods())
                .filter(HandlerModule::hasRoute)
                .filter(t -> stateName(t).equals(like.value()))
                .findFirst()
                .orElseThrow(() -> new HandlerDefinitionException(where + ": @RouteLike(\"" + like.value()
                        + "\") names no state method of " + target.getName()));
        return resolveRoutes(target, targetMethod, defaults, exactCase, seen);
    }

    private static Map<String, String> parseWhere(String[] clauses) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : clauses) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("where clause '" + c + "' is not of the form name=regex");
            }
            out.put(c.substring(0, eq).trim(), c.substring(eq + 1));
        }
        return out;
    }

    /** The state key for a message: the module's own function, or the normalised envelope sender. */
    String stateKey(MailRequest request, Map<String, String> captures) {
        if (instance instanceof StateKeyed keyed) {
            String key = keyed.stateKey(request, captures);
            if (key == null) {
                throw new IllegalStateException(name + ".stateKey returned null for " + request);
            }
            return key;
        }
        return Addresses.forStateKey(request.from());
    }

    /** Whether its state key is the sender (the default), rather than its own {@link StateKeyed} key. */
    boolean keysBySender() {
        return !(instance instanceof StateKeyed);
    }

    /** The module's name: part of every state key it stores. */
    public String name() {
        return name;
    }

    /** The handler object. */
    public Object instance() {
        return instance;
    }

    /** Whether any of its stateful methods runs without the key lock. */
    boolean hasNoLockingMethods() {
        return anyNoLocking;
    }

    /** Whether the module has a stateful method for {@code state}. */
    public boolean hasState(String state) {
        return stateful.containsKey(state);
    }

    /**
     * The states {@code method} may move its sender to, as read from its code (see {@link NextStates});
     * empty for a stateless method, or when its class file cannot be read.
     */
    public Set<String> nextStates(StateMethod method) {
        return next.getOrDefault(method, Set.of());
    }

    /** The module's states: each stateful method's, {@code START} first, in method order. */
    public List<String> states() {
        List<String> out = new ArrayList<>(stateful.keySet());
        if (out.remove(StateStorage.START)) {
            out.add(0, StateStorage.START);
        }
        return out;
    }

    /** Every state method with each of its routes, stateful ones first. */
    public List<StateMethod> methods() {
        List<StateMethod> all = new ArrayList<>(routesOfStates);
        all.addAll(stateless);
        return all;
    }

    @Override
    public String toString() {
        return name;
    }
}
