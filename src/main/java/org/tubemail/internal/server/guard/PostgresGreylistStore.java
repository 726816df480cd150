package org.tubemail.internal.server.guard;

import org.tubemail.internal.state.PostgresStorage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Greylist entries in the PostgreSQL database of a {@link PostgresStorage}, table
 * {@code tubemail_greylist} (created by the storage's migrations), so that every server sharing the
 * states shares the greylist: a client greylisted by one MX passes at another after the delay.
 * {@link #firstSeen} is one {@code INSERT ... ON CONFLICT} that replaces only an expired entry, so
 * concurrent servers agree on the first sight.
 */
public final class PostgresGreylistStore implements GreylistStore {

    private final PostgresStorage db;

    /** Uses the connections of {@code db}, which stays open as long as this store is used. */
    public PostgresGreylistStore(PostgresStorage db) {
        this.db = db;
    }

    @Override
    public long firstSeen(String key, long nowMillis, long expiresAtMillis) {
        return db.withConnection("greylist " + key, c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO tubemail_greylist (key, value_ms, expires_at_ms) VALUES (?, ?, ?)"
                    + " ON CONFLICT (key) DO UPDATE SET value_ms = EXCLUDED.value_ms, expires_at_ms = EXCLUDED.expires_at_ms"
                    + " WHERE tubemail_greylist.expires_at_ms < ? RETURNING value_ms")) {
                st.setString(1, key);
                st.setLong(2, nowMillis);
                st.setLong(3, expiresAtMillis);
                st.setLong(4, nowMillis);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            // a live entry was there: read it (it cannot expire in between, being live at nowMillis)
            try (PreparedStatement st = c.prepareStatement("SELECT value_ms FROM tubemail_greylist WHERE key = ?")) {
                st.setString(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : nowMillis;
                }
            }
        });
    }

    @Override
    public long get(String key, long nowMillis) {
        return db.withConnection("read greylist entry " + key, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT value_ms FROM tubemail_greylist WHERE key = ? AND expires_at_ms >= ?")) {
                st.setString(1, key);
                st.setLong(2, nowMillis);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
    }

    @Override
    public void put(String key, long valueMillis, long expiresAtMillis) {
        db.withConnection("store greylist entry " + key, c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO tubemail_greylist (key, value_ms, expires_at_ms) VALUES (?, ?, ?)"
                    + " ON CONFLICT (key) DO UPDATE SET value_ms = EXCLUDED.value_ms, expires_at_ms = EXCLUDED.expires_at_ms")) {
                st.setString(1, key);
                st.setLong(2, valueMillis);
                st.setLong(3, expiresAtMillis);
                return st.executeUpdate();
            }
        });
    }

    @Override
    public int removeExpired(long nowMillis) {
        return db.withConnection("remove expired greylist entries", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_greylist WHERE expires_at_ms < ?")) {
                st.setLong(1, nowMillis);
                return st.executeUpdate();
            }
        });
    }

    @Override
    public int count() {
        return db.withConnection("count greylist entries", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM tubemail_greylist"); ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public void clear() {
        db.withConnection("clear the greylist", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_greylist")) {
                return st.executeUpdate();
            }
        });
    }

    @Override
    public String toString() {
        return "PostgresGreylistStore[" + db + "]";
    }
}
