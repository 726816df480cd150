package org.tubemail.internal.autoreply;

import org.tubemail.internal.state.MapDbStorage;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.PostgresStorage;
import org.tubemail.internal.state.StateStorage;

/** Picks the auto-reply log that lives where a state storage lives. */
public final class AutoReplyLogs {

    /** The file name of the MapDB log, in the state file's folder. */
    public static final String MAPDB_FILE = "auto-replies.db";

    private AutoReplyLogs() {
    }

    /**
     * A log beside {@code states}: in memory for a {@link MemoryStorage} (and for a storage of a kind
     * it does not know, whose servers then count each on their own), a MapDB file {@value #MAPDB_FILE}
     * next to a {@link MapDbStorage}'s file, the same database for a {@link PostgresStorage} (shared
     * by every server that shares the states).
     */
    public static AutoReplyLog beside(StateStorage states) {
        if (states instanceof MapDbStorage m) {
            return new MapDbAutoReplyLog(m.file().resolveSibling(MAPDB_FILE));
        }
        if (states instanceof PostgresStorage p) {
            return new PostgresAutoReplyLog(p);
        }
        return new MemoryAutoReplyLog();
    }
}
