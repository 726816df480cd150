package org.tubemail.internal.routing;

import org.tubemail.handler.BounceTo;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.mail.Bounce;
import org.tubemail.mail.MailRequest;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@link BounceTo} targets of one state method and route, planned at load time. */
final class BounceDispatch {

    /** A method and how to bind its arguments. */
    record Call(Method method, ParameterBinder binder) {
    }

    private final Call hard;
    private final Call soft;

    private BounceDispatch(Call hard, Call soft) {
        this.hard = hard;
        this.soft = soft;
    }

    /**
     * Plans {@code method}'s {@link BounceTo}, or returns {@code null} when it has none.
     *
     * @throws HandlerDefinitionException when a target is missing, ambiguous, routed, static or
     *                                    cannot be bound to {@code route}
     */
    static BounceDispatch plan(Class<?> type, Method method, RoutePattern route, Call self) {
        BounceTo to = method.getAnnotation(BounceTo.class);
        if (to == null) {
            return null;
        }
        return new BounceDispatch(target(type, method, to.hard(), route, self), target(type, method, to.soft(), route, self));
    }

    private static Call target(Class<?> type, Method annotated, String name, RoutePattern route, Call self) {
        if (name.isEmpty()) {
            return self;
        }
        String where = ParameterBinder.where(type, annotated) + ": @BounceTo(\"" + name + "\")";
        List<Method> found = Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new HandlerDefinitionException(where + (found.isEmpty() ? " names no method of " : " names overloaded methods of ")
                    + type.getSimpleName() + "; give one method that name");
        }
        Method m = found.get(0);
        if (m.getAnnotationsByType(Route.class).length > 0 || m.isAnnotationPresent(RouteLike.class)) {
            throw new HandlerDefinitionException(where + " names a state method; bounce targets have no route of their own");
        }
        if (Modifier.isStatic(m.getModifiers())) {
            throw new HandlerDefinitionException(where + " names a static method");
        }
        if (m.getReturnType() != String.class && m.getReturnType() != void.class) {
            throw new HandlerDefinitionException(where + " returns " + m.getReturnType().getSimpleName()
                    + "; a bounce target returns String (the next state) or void");
        }
        m.setAccessible(true);
        return new Call(m, ParameterBinder.plan(type, m, route));
    }

    /** The call for {@code request}: the hard or soft target for a bounce, else {@code self}. */
    Call choose(MailRequest request, Call self) {
        Optional<Bounce> b = request.bounce();
        if (b.isEmpty()) {
            return self;
        }
        return b.get().isHard() ? hard : soft;
    }
}
