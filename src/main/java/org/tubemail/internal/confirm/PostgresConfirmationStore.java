package org.tubemail.internal.confirm;

import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.confirm.PendingConfirmation;
import org.tubemail.internal.state.PostgresStorage;
import org.tubemail.mail.Envelope;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/**
 * Pending confirmations in the PostgreSQL database of a {@link PostgresStorage}, table
 * {@code tubemail_confirmation} (created by the storage's migrations), so that every server sharing
 * the states shares the confirmations too: a token issued by one server is verified by any other.
 * Every change is its own committed statement; {@link #take} is one {@code DELETE ... RETURNING},
 * so a token is used at most once across all servers.
 */
public final class PostgresConfirmationStore implements ConfirmationStore {

    private final PostgresStorage db;

    /** Uses the connections of {@code db}, which stays open as long as this store is used. */
    public PostgresConfirmationStore(PostgresStorage db) {
        this.db = db;
    }

    @Override
    public void put(String target, String sender, PendingConfirmation p) {
        db.withConnection("store a confirmation for " + target + "/" + sender, c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO tubemail_confirmation"
                    + " (target, sender, token, expires_at_ms, peer, mail_from, recipients, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (target, sender) DO UPDATE SET token = EXCLUDED.token, expires_at_ms = EXCLUDED.expires_at_ms,"
                    + " peer = EXCLUDED.peer, mail_from = EXCLUDED.mail_from, recipients = EXCLUDED.recipients,"
                    + " raw = EXCLUDED.raw, created_at = now()")) {
                st.setString(1, target);
                st.setString(2, sender);
                st.setString(3, p.token());
                st.setLong(4, p.expiresAtMillis());
                st.setString(5, p.envelope().peer());
                st.setString(6, p.envelope().mailFrom());
                st.setArray(7, c.createArrayOf("text", p.envelope().recipients().toArray()));
                st.setBytes(8, p.raw());
                return st.executeUpdate();
            }
        });
    }

    @Override
    public Optional<PendingConfirmation> take(String target, String sender, String token) {
        return db.withConnection("take the confirmation of " + target + "/" + sender, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_confirmation"
                    + " WHERE target = ? AND sender = ? AND token = ? RETURNING token, expires_at_ms, peer, mail_from, recipients, raw")) {
                st.setString(1, target);
                st.setString(2, sender);
                st.setString(3, token);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<PendingConfirmation>empty();
                    }
                    Envelope envelope = new Envelope(rs.getString(3), rs.getString(4),
                            List.of((String[]) rs.getArray(5).getArray()));
                    return Optional.of(new PendingConfirmation(rs.getString(1), rs.getLong(2), envelope, rs.getBytes(6)));
                }
            }
        });
    }

    @Override
    public boolean remove(String target, String sender) {
        return db.withConnection("remove the confirmation of " + target + "/" + sender, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_confirmation WHERE target = ? AND sender = ?")) {
                st.setString(1, target);
                st.setString(2, sender);
                return st.executeUpdate() > 0;
            }
        });
    }

    @Override
    public int removeExpired(long nowMillis) {
        return db.withConnection("remove expired confirmations", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_confirmation WHERE expires_at_ms < ?")) {
                st.setLong(1, nowMillis);
                return st.executeUpdate();
            }
        });
    }

    @Override
    public int count() {
        return db.withConnection("count confirmations", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM tubemail_confirmation");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public void clear() {
        db.withConnection("clear confirmations", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_confirmation")) {
                return st.executeUpdate();
            }
        });
    }

    @Override
    public String toString() {
        return "PostgresConfirmationStore[" + db + "]";
    }
}
