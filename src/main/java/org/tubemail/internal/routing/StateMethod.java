package org.tubemail.internal.routing;

import org.tubemail.mail.MailRequest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/** One state method of a loaded handler module, ready to call. */
public final class StateMethod {

    private final HandlerModule module;
    private final Method method;
    private final String state;
    private final RoutePattern route;
    private final boolean stateless;
    private final boolean noLocking;
    private final BounceDispatch.Call self;
    private final BounceDispatch bounces;
    private final AuthRule authRule;

    StateMethod(HandlerModule module, Method method, String state, RoutePattern route, boolean stateless,
                boolean noLocking, ParameterBinder binder) {
        this.module = module;
        this.method = method;
        this.state = state;
        this.route = route;
        this.stateless = stateless;
        this.noLocking = noLocking;
        this.self = new BounceDispatch.Call(method, binder);
        this.bounces = BounceDispatch.plan(module.instance().getClass(), method, route, self);
        this.authRule = AuthRule.of(method, module.instance().getClass());
    }

    /**
     * Calls the method.
     *
     * @return the state it named, or {@code null} when it returned nothing
     * @throws Exception whatever the method threw
     */
    String invoke(MailRequest request, Map<String, String> captures) throws Exception {
        try {
            BounceDispatch.Call call = bounces == null ? self : bounces.choose(request, self);
            Object result = call.method().invoke(module.instance(), call.binder().bind(request, captures));
            return result == null ? null : result instanceof Enum<?> state ? state.name() : result.toString();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** The Java method. */
    Method method() {
        return method;
    }

    /** The module this method belongs to. */
    public HandlerModule module() {
        return module;
    }

    /** The state this method handles. */
    public String state() {
        return state;
    }

    /** Its route. */
    public RoutePattern route() {
        return route;
    }

    /** Whether it runs whatever the state and never changes it. */
    public boolean isStateless() {
        return stateless;
    }

    /** Whether it runs without its state key's lock. */
    public boolean isNoLocking() {
        return noLocking;
    }

    /** Whether it runs only for authenticated senders ({@link Authenticated} on it or its class). */
    public boolean requiresAuthentication() {
        return authRule != null;
    }

    /** Why {@code request} may not run this method, or null when it may. */
    String refusal(MailRequest request) {
        return authRule == null || authRule.admits(request) ? null : authRule.refusal(request, this);
    }

    /** {@code Class.method} (a configured route: its name) for messages and listings. */
    public String qualifiedName() {
        return module.instance() instanceof ConfiguredRoute c ? c.name()
                : method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
