package org.tubemail.internal.state;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.tubemail.internal.state.pg.LockIds;
import org.tubemail.internal.state.pg.Migrations;
import org.tubemail.internal.state.pg.Pools;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Keeps states in a PostgreSQL table, so that several Tubemail servers share them.
 *
 * <p>Each {@link #set} is its own committed transaction (an UPSERT; {@code START} deletes the row).
 * {@link #withKeyLock} holds a session advisory lock on a 64-bit hash of module and key for the
 * whole work, on a connection that the same thread's {@link #get} and {@link #set} then use: a key
 * is handled by one server at a time, and if that connection dies the lock and the writes fail
 * together. Different keys proceed in parallel, one pooled connection each.
 *
 * <p>The schema is created or upgraded on construction (see {@link Migrations}). When the database
 * cannot be reached, every method throws {@link StateStorageUnavailableException} within the
 * connection timeout; the pool reconnects by itself once the database is back.
 */
public final class PostgresStorage implements StateStorage {

    /** Connections in the pool unless told otherwise (the server sizes its pool by its routing threads). */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long an operation waits for a connection unless told otherwise. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private final HikariDataSource pool;
    private final String where;
    private final ThreadLocal<Connection> locked = new ThreadLocal<>();

    /** Opens a storage with the default pool size and connection timeout. */
    public PostgresStorage(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * Opens a pool on {@code jdbcUrl} and brings the schema up to date.
     *
     * @param poolSize          the most connections held; one per key being handled at a time
     * @param connectionTimeout how long an operation waits for a connection before it fails
     * @throws StateStorageUnavailableException when the database cannot be reached or migrated
     */
    public PostgresStorage(String jdbcUrl, String user, String password, int poolSize, Duration connectionTimeout) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.where = "PostgreSQL at " + Pools.redact(jdbcUrl);
        try {
            this.pool = Pools.open("tubemail-state", "tubemail", jdbcUrl, user, password, poolSize, connectionTimeout);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StateStorageUnavailableException("cannot connect to " + where + ": " + rootMessage(e), e);
        }
        try (Connection c = pool.getConnection()) {
            Migrations.migrate(c);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new StateStorageUnavailableException("cannot create or upgrade the state schema in " + where + ": "
                    + rootMessage(e), e);
        }
    }

    @Override
    public String get(String module, String key) {
        return call("read state of " + module + "/" + key, c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT state FROM tubemail_state WHERE module = ? AND key = ?")) {
                st.setString(1, module);
                st.setString(2, key);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getString(1) : START;
                }
            }
        });
    }

    @Override
    public void set(String module, String key, String state) {
        Objects.requireNonNull(state, "state");
        call("write state " + state + " for " + module + "/" + key, c -> {
            String sql = START.equals(state)
                    ? "DELETE FROM tubemail_state WHERE module = ? AND key = ?"
                    : "INSERT INTO tubemail_state (module, key, state) VALUES (?, ?, ?)"
                    + " ON CONFLICT (module, key) DO UPDATE SET state = EXCLUDED.state, updated_at = now()";
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setString(1, module);
                st.setString(2, key);
                if (!START.equals(state)) {
                    st.setString(3, state);
                }
                return st.executeUpdate();
            }
        });
    }

    /** One {@code GROUP BY} over the module's rows (the primary key's index finds them). */
    @Override
    public Map<String, Long> countByState(String module) {
        return call("count the states of " + module, c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT state, count(*) FROM tubemail_state WHERE module = ? GROUP BY state")) {
                st.setString(1, module);
                Map<String, Long> out = new TreeMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void clear() {
        call("clear all states", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_state")) {
                return st.executeUpdate();
            }
        });
    }

    /**
     * Runs {@code work} holding {@code module}/{@code key} exclusively across every process on this
     * database; waits as long as another holds it.
     *
     * @throws StateStorageUnavailableException when the lock cannot be taken (work has not run)
     */
    @Override
    public <T> T withKeyLock(String module, String key, Supplier<T> work) {
        long id = LockIds.of(module, key);
        Connection held = locked.get();
        if (held != null) {
            return lockedOn(held, id, module + "/" + key, work);
        }
        Connection c = connect("lock " + module + "/" + key);
        locked.set(c);
        try {
            return lockedOn(c, id, module + "/" + key, work);
        } finally {
            locked.remove();
            closeQuietly(c);
        }
    }

    private <T> T lockedOn(Connection c, long id, String what, Supplier<T> work) {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            st.setLong(1, id);
            st.execute();
        } catch (SQLException e) {
            throw unavailable("lock " + what, e);
        }
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            unlock(c, id, what, e);
            throw e;
        }
        unlock(c, id, what, null);
        return result;
    }

    /** Releases the lock; a connection that cannot release it is evicted, which ends its session and lock. */
    private void unlock(Connection c, long id, String what, Throwable pending) {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            pool.evictConnection(c);
        } catch (SQLException e) {
            pool.evictConnection(c);
            if (pending != null) {
                pending.addSuppressed(e);
            } else {
                throw unavailable("unlock " + what + " (its work is done and its writes are committed)", e);
            }
        }
    }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        /** Does the work on {@code c}, which is in auto-commit mode. */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection, or on this thread's key-lock connection while
     * {@link #withKeyLock} runs (so a handler holding a key never waits for a second connection).
     * For framework pieces that keep their own tables beside the states, such as confirmations;
     * their tables are created by the same migrations.
     *
     * @param what what the work does, for the error message
     * @throws StateStorageUnavailableException when the database fails or cannot be reached
     */
    public <T> T withConnection(String what, SqlWork<T> work) {
        return call(what, work);
    }

    private <T> T call(String what, SqlWork<T> work) {
        Connection held = locked.get();
        if (held != null) {
            try {
                return work.run(held);
            } catch (SQLException e) {
                throw unavailable(what, e);
            }
        }
        Connection c = connect(what);
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(what, e);
        } finally {
            closeQuietly(c);
        }
    }

    private Connection connect(String what) {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private StateStorageUnavailableException unavailable(String what, SQLException e) {
        return new StateStorageUnavailableException("cannot " + what + " in " + where + ": " + rootMessage(e), e);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Returning a connection to the pool fails only when it is already broken; the pool drops it.
        }
    }

    /** Closes the pool; later calls throw {@link StateStorageUnavailableException}. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "PostgresStorage[" + where + "]";
    }

    /** {@code jdbcUrl} with any {@code password=} parameter masked. */
    private static String rootMessage(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                out.append(": ").append(t.getMessage());
            }
        }
        return out.toString();
    }
}
