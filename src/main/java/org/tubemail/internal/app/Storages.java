package org.tubemail.internal.app;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateStorage;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Builds the state storage named by {@code storage.kind}. Back ends other than memory are loaded by
 * class name, so a build without one (or without its driver) fails with a clear message.
 */
public final class Storages {

    private Storages() {
    }

    /** The state storage the settings name ({@code storage.kind}). */
    public static StateStorage create(Settings s) {
        String kind = s.choice("storage.kind", "mapdb", "memory", "mapdb", "postgres");
        return switch (kind) {
            case "memory" -> new MemoryStorage();
            case "mapdb" -> instantiate(s, "org.tubemail.internal.state.MapDbStorage", new Class<?>[]{Path.class},
                    s.path("storage.path", "run/state.db"));
            default -> instantiate(s, "org.tubemail.internal.state.PostgresStorage",
                    new Class<?>[]{String.class, String.class, String.class, int.class, Duration.class},
                    required(s, "storage.postgres.url"), s.string("storage.postgres.user", ""), s.string("storage.postgres.password", ""),
                    s.integer("storage.postgres.pool.size", defaultPoolSize(s), 1, 10_000),
                    s.seconds("storage.postgres.connection.timeout.seconds", Duration.ofSeconds(5), false));
        };
    }

    /**
     * One connection per routing thread ({@code receiver.workers}, each holding one while it routes)
     * and a few more for the other receivers, the API and confirmations.
     */
    private static int defaultPoolSize(Settings s) {
        return Assembly.routingWorkers(s) + 4;
    }

    private static String required(Settings s, String key) {
        String v = s.string(key, "");
        if (v.isEmpty()) {
            throw s.invalid(key, "a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/tubemail");
        }
        return v;
    }

    private static StateStorage instantiate(Settings s, String className, Class<?>[] types, Object... args) {
        try {
            return (StateStorage) Class.forName(className).getConstructor(types).newInstance(args);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new ConfigException(s.source() + ": storage.kind: " + className + " is not available in this build");
        } catch (InvocationTargetException e) {
            throw new ConfigException(s.source() + ": storage.kind: cannot open " + className + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(s.source() + ": storage.kind: cannot create " + className + ": " + e, e);
        }
    }
}
