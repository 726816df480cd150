package org.tubemail.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.config.ConfigException;
import org.tubemail.config.Settings;
import org.tubemail.confirm.MemoryConfirmationStore;
import org.tubemail.queue.MemoryQueue;
import org.tubemail.routing.HandlerDefinitionException;
import org.tubemail.routing.Router;
import org.tubemail.state.MemoryStorage;
import org.tubemail.state.StateStorage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The routing table of the configured application, for {@code tubemail routes}, assembled without
 * what a server needs and a running one holds: no receivers, no spool, no undeliverable queue, no
 * relay (handlers get one that refuses to send), handlers' data in a throwaway folder and
 * confirmations in memory. States come from the configured storage when it can be read beside a
 * running server (PostgreSQL, or any storage while the server is stopped); otherwise every key
 * shows as {@code START}, and {@link #notes()} says why. A handler or boot hook that cannot be
 * built is left out with a note, never failing the whole table.
 */
public final class Inspection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Inspection.class);

    private final Router router;
    private final List<String> notes;
    private final TubemailServer.Context context;
    private final Path scratch;

    private Inspection(Router router, List<String> notes, TubemailServer.Context context, Path scratch) {
        this.router = router;
        this.notes = List.copyOf(notes);
        this.context = context;
        this.scratch = scratch;
    }

    /**
     * Assembles the router the settings describe.
     *
     * @param runningPid the running server's process id, if one runs
     * @throws ConfigException when the settings are invalid or a handler class is malformed
     */
    public static Inspection of(Settings s, OptionalLong runningPid) {
        List<String> notes = new ArrayList<>();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("tubemail-routes");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary folder for handlers' data: " + e.getMessage(), e);
        }
        TubemailServer.Context context = new TubemailServer.Context(s, scratch, s.list("receiver.accepted.domains", "localhost").get(0));
        context.relay((message, from, recipients) -> {
            throw new IllegalStateException("tubemail routes sends no mail");
        });
        context.storage(states(s, runningPid, notes));
        context.confirmations(new MemoryConfirmationStore());
        try {
            return assemble(s, context, notes, scratch);
        } catch (RuntimeException e) {
            cleanUp(context, scratch, context.handlers());
            throw e;
        }
    }

    private static Inspection assemble(Settings s, TubemailServer.Context context, List<String> notes, Path scratch) {
        Router.Builder builder = context.router();
        TubemailServer.routingSettings(s, builder);
        builder.undeliverable(new MemoryQueue());
        for (String name : s.list("handlers", "")) {
            try {
                context.handlers().add(HandlerFactory.create(name, context));
            } catch (ConfigException e) {
                notes.add("handler " + name + " is not shown: " + e.getMessage());
            }
        }
        String bootClass = s.string("boot.class", "");
        if (!bootClass.isEmpty()) {
            try {
                TubemailServer.runBoot(s, bootClass, context);
            } catch (ConfigException e) {
                notes.add("handlers added by boot.class " + bootClass + " may be missing: " + e.getMessage());
            }
        }
        try {
            return new Inspection(builder.storage(context.storage()).handlers(context.handlers().toArray()).build(),
                    notes, context, scratch);
        } catch (HandlerDefinitionException e) {
            throw new ConfigException(s.source() + ": handlers: " + e.getMessage(), e);
        }
    }

    /** The configured storage when it can be read now, else memory (every key in START) with a note. */
    private static StateStorage states(Settings s, OptionalLong runningPid, List<String> notes) {
        String kind = s.choice("storage.kind", "mapdb", "memory", "mapdb", "postgres");
        if (runningPid.isPresent() && !kind.equals("postgres")) {
            notes.add(kind.equals("mapdb")
                    ? "states not shown: " + s.path("storage.path", "run/state.db") + " is held by the running server (pid "
                    + runningPid.getAsLong() + "); every key is shown in START"
                    : "states not shown: the running server (pid " + runningPid.getAsLong()
                    + ") keeps them in its memory (storage.kind=memory); every key is shown in START");
            return new MemoryStorage();
        }
        try {
            return Storages.create(s);
        } catch (RuntimeException e) {
            notes.add("states not shown: " + e.getMessage() + "; every key is shown in START");
            return new MemoryStorage();
        }
    }

    /** The router: {@code routes()} and {@code explain(...)}; it delivers nothing anywhere. */
    public Router router() {
        return router;
    }

    /** What could not be shown, and why; empty when everything could. */
    public List<String> notes() {
        return notes;
    }

    /** Closes the handlers, the storage and the confirmations, and deletes the handlers' scratch folder. */
    @Override
    public void close() {
        cleanUp(context, scratch, router.modules().stream().map(m -> m.instance()).toList());
    }

    private static void cleanUp(TubemailServer.Context context, Path scratch, List<Object> handlers) {
        for (Object h : handlers) {
            if (h instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing handler {} failed: {}", h.getClass().getName(), e.getMessage());
                }
            }
        }
        context.closeConfirmations();
        try {
            context.storage().close();
        } catch (RuntimeException e) {
            LOG.warn("closing the state storage failed: {}", e.getMessage());
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", scratch, e.getMessage());
        }
    }
}
