package org.tubemail.internal.server.guard;

import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.PostgresStorage;
import org.tubemail.internal.state.StateStorage;

/** Picks the greylist store that lives where a state storage lives. */
public final class GreylistStores {

    /** The file name of the MapDB greylist, in the state file's folder. */
    public static final String MAPDB_FILE = "greylist.db";

    private GreylistStores() {
    }

    /**
     * A store beside {@code states}: in memory for a {@link MemoryStorage}, a MapDB file
     * {@value #MAPDB_FILE} next to a {@link MapDbStorage}'s file, the same database for a
     * {@link PostgresStorage} (shared by every server that shares the states).
     *
     * @throws IllegalArgumentException for another kind of storage
     */
    public static GreylistStore beside(StateStorage states) {
        if (states instanceof MemoryStorage) {
            return new MemoryGreylistStore();
        }
        if (states instanceof MapDbStorage m) {
            return new MapDbGreylistStore(m.file().resolveSibling(MAPDB_FILE));
        }
        if (states instanceof PostgresStorage p) {
            return new PostgresGreylistStore(p);
        }
        throw new IllegalArgumentException("no greylist store is known for " + states.getClass().getName());
    }
}
