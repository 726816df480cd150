package org.tubemail.internal.routing;

import org.tubemail.mail.Bounce;
import org.tubemail.mail.MailRequest;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns a message and its captures into a state method's arguments: a {@link MailRequest}
 * parameter gets the message, a {@link Bounce} parameter its bounce report ({@code null} when it is
 * no bounce), a {@code Map} parameter all captures, a {@code String} parameter the
 * capture of the same name.
 */
final class ParameterBinder {

    private final BiFunction<MailRequest, Map<String, String>, Object>[] slots;

    private ParameterBinder(BiFunction<MailRequest, Map<String, String>, Object>[] slots) {
        this.slots = slots;
    }

    /**
     * Plans the binding of {@code method}'s parameters against {@code route}'s captures.
     *
     * @throws HandlerDefinitionException when a parameter has no source
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static ParameterBinder plan(Class<?> type, Method method, RoutePattern route) {
        Parameter[] params = method.getParameters();
        BiFunction<MailRequest, Map<String, String>, Object>[] slots = new BiFunction[params.length];
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            if (p.getType() == MailRequest.class) {
                slots[i] = (req, caps) -> req;
            } else if (p.getType() == Bounce.class) {
                slots[i] = (req, caps) -> req.bounce().orElse(null);
            } else if (p.getType() == Map.class) {
                slots[i] = (req, caps) -> caps;
            } else if (p.getType() == String.class) {
                String name = captureName(type, method, p);
                if (!route.captureNames().contains(name)) {
                    throw new HandlerDefinitionException(where(type, method) + ": parameter '" + name
                            + "' has no matching capture in route '" + route.source() + "' (captures: "
                            + route.captureNames() + ")");
                }
                slots[i] = (req, caps) -> caps.get(name);
            } else {
                throw new HandlerDefinitionException(where(type, method) + ": parameter '" + p.getName() + "' has type "
                        + p.getType().getSimpleName() + "; state methods take MailRequest, Bounce, String captures or Map<String, String>");
            }
        }
        return new ParameterBinder(slots);
    }

    private static String captureName(Class<?> type, Method method, Parameter p) {
        Capture c = p.getAnnotation(Capture.class);
        if (c != null) {
            return c.value();
        }
        if (!p.isNamePresent()) {
            throw new HandlerDefinitionException(where(type, method) + ": parameter names are not available; compile with "
                    + "-parameters (the generated pom does) or annotate each String parameter with @Capture(\"name\")");
        }
        return p.getName();
    }

    static String where(Class<?> type, Method method) {
        return type.getName() + "." + method.getName();
    }

    Object[] bind(MailRequest request, Map<String, String> captures) {
        Object[] args = new Object[slots.length];
        for (int i = 0; i < slots.length; i++) {
            args[i] = slots[i].apply(request, captures);
        }
        return args;
    }
}
