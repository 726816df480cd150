package org.tubemail.internal.app;

import org.tubemail.boot.BootContext;
import org.tubemail.handler.Relay;
import org.tubemail.internal.config.ConfigException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * Builds a handler from its class name, with the first public constructor that fits:
 * {@code (BootContext)}, then {@code (Relay)}, then {@code ()}.
 */
final class HandlerFactory {

    private HandlerFactory() {
    }

    static Object create(String className, BootContext context) {
        String where = context.settings().source() + ": handlers: " + className;
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(where + ": no such class on the classpath");
        }
        try {
            for (Constructor<?> c : type.getConstructors()) {
                Class<?>[] p = c.getParameterTypes();
                if (p.length == 1 && p[0] == BootContext.class) {
                    return c.newInstance(context);
                }
            }
            for (Constructor<?> c : type.getConstructors()) {
                Class<?>[] p = c.getParameterTypes();
                if (p.length == 1 && p[0] == Relay.class) {
                    return c.newInstance(context.relay());
                }
            }
            return type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new ConfigException(where + ": needs a public constructor taking (BootContext), (Relay) or nothing");
        } catch (InvocationTargetException e) {
            throw new ConfigException(where + ": constructor failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(where + ": cannot create: " + e, e);
        }
    }
}
