package org.tubemail.internal.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.confirm.MemoryConfirmationStore;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateStorage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The routing table of the configured application, for {@code tubemail routes}, assembled by the
 * server's own {@link Assembly} (the same handlers, webhooks and boot hook), without what a running
 * server holds: no receivers, no spool, nothing that sends (handlers get a relay that refuses to
 * send, webhooks retry from memory, the undeliverable queue is in memory), handlers' data in a
 * throwaway folder and confirmations in memory. States come from the configured storage when it
 * can be read beside a running server (PostgreSQL, or any storage while the server is stopped);
 * otherwise every key shows as {@code START}, and {@link #notes()} says why. A handler or boot hook
 * that cannot be built is left out with a note, never failing the whole table.
 */
public final class Inspection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Inspection.class);

    private final Assembly parts;
    private final List<String> notes;
    private final Path scratch;

    private Inspection(Assembly parts, List<String> notes, Path scratch) {
        this.parts = parts;
        this.notes = notes;
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
        StateStorage states = states(s, runningPid, notes);
        Assembly parts = new Assembly(s).lenient(notes).withStorage(states).withDataDir(scratch)
                .withRelay((message, from, recipients) -> {
                    throw new IllegalStateException("tubemail routes sends no mail");
                })
                .withConfirmations(new MemoryConfirmationStore()).withUndeliverable(new MemoryQueue()).withForwardRetry(new MemoryQueue());
        Inspection inspection = new Inspection(parts, notes, scratch);
        try {
            parts.router();
            return inspection;
        } catch (RuntimeException e) {
            inspection.close();
            throw e;
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
        return parts.router();
    }

    /** What the server answers at {@code RCPT} to {@code address}: {@code null} when it accepts it, else the refusal. */
    public RecipientPolicy.Refusal rcpt(String address) {
        return new RecipientPolicy(parts.receiverSettings().acceptedDomains(), parts.router()).check(RecipientPolicy.normalise(address));
    }

    /** What could not be shown, and why; empty when everything could. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Closes the handlers, the webhooks, the storage and the confirmations, and deletes the handlers' scratch folder. */
    @Override
    public void close() {
        parts.close();
        try {
            parts.storage().close();
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
