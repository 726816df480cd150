package org.tubemail.internal.confirm;

import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.PostgresStorage;
import org.tubemail.internal.state.StateStorage;

/** Picks the confirmation store that lives where a state storage lives. */
public final class ConfirmationStores {

    /** The file name of MapDB confirmations, in the state file's folder. */
    public static final String MAPDB_FILE = "confirmations.db";

    private ConfirmationStores() {
    }

    /**
     * A store beside {@code states}: in memory for a {@link MemoryStorage}, a MapDB file
     * {@value #MAPDB_FILE} next to a {@link MapDbStorage}'s file, the same database for a
     * {@link PostgresStorage} (shared by every server that shares the states).
     *
     * @throws IllegalArgumentException for another kind of storage: give the engine a store yourself
     */
    public static ConfirmationStore beside(StateStorage states) {
        if (states instanceof MemoryStorage) {
            return new MemoryConfirmationStore();
        }
        if (states instanceof MapDbStorage m) {
            return new MapDbConfirmationStore(m.file().resolveSibling(MAPDB_FILE));
        }
        if (states instanceof PostgresStorage p) {
            return new PostgresConfirmationStore(p);
        }
        throw new IllegalArgumentException("no confirmation store is known for " + states.getClass().getName()
                + ": set one with BootContext.confirmations(store)");
    }
}
