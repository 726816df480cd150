package org.tubemail.internal.autoreply;

import org.tubemail.internal.state.PostgresStorage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The reply windows in the PostgreSQL database of a {@link PostgresStorage}, table
 * {@code tubemail_auto_reply} (created by the storage's migrations), so that every server sharing
 * the states counts together: the limit holds however many servers answer. {@link #tryCount} is one
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE}, atomic across servers.
 */
public final class PostgresAutoReplyLog implements AutoReplyLog {

    private final PostgresStorage db;

    /** Uses the connections of {@code db}, which stays open as long as this log is used. */
    public PostgresAutoReplyLog(PostgresStorage db) {
        this.db = db;
    }

    @Override
    public boolean tryCount(String responder, String address, long nowMillis, long periodMillis, int limit) {
        if (limit < 1) return false;
        return db.withConnection("count an automatic reply from " + responder + " to " + address, c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO tubemail_auto_reply AS w"
                    + " (responder, address, window_ends_ms, replies) VALUES (?, ?, ?, 1)"
                    + " ON CONFLICT (responder, address) DO UPDATE SET"
                    + " replies = CASE WHEN w.window_ends_ms <= ? THEN 1 ELSE w.replies + 1 END,"
                    + " window_ends_ms = CASE WHEN w.window_ends_ms <= ? THEN EXCLUDED.window_ends_ms ELSE w.window_ends_ms END"
                    + " WHERE w.window_ends_ms <= ? OR w.replies < ? RETURNING replies")) {
                st.setString(1, responder);
                st.setString(2, address);
                st.setLong(3, nowMillis + periodMillis);
                st.setLong(4, nowMillis);
                st.setLong(5, nowMillis);
                st.setLong(6, nowMillis);
                st.setInt(7, limit);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public int removeExpired(long nowMillis) {
        return db.withConnection("remove ended auto-reply windows", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_auto_reply WHERE window_ends_ms <= ?")) {
                st.setLong(1, nowMillis);
                return st.executeUpdate();
            }
        });
    }

    @Override
    public int count() {
        return db.withConnection("count auto-reply windows", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM tubemail_auto_reply");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public void clear() {
        db.withConnection("clear auto-reply windows", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_auto_reply")) {
                return st.executeUpdate();
            }
        });
    }

    @Override
    public String toString() {
        return "PostgresAutoReplyLog[" + db + "]";
    }
}
