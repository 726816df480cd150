package org.tubemail.confirm;

import org.tubemail.mail.Envelope;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A confirmation waiting for its answer, as a {@link ConfirmationStore} keeps it.
 *
 * @param token           the secret the answer must carry
 * @param expiresAtMillis when the token stops working (epoch milliseconds)
 * @param envelope        the pending original's envelope
 * @param raw             the pending original's bytes, untouched
 */
public record PendingConfirmation(String token, long expiresAtMillis, Envelope envelope, byte[] raw) {

    /** Rejects missing parts. */
    public PendingConfirmation {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(raw, "raw");
    }

    /** This record as bytes, for stores that keep one value per key. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(token);
            out.writeLong(expiresAtMillis);
            out.writeUTF(envelope.peer());
            out.writeUTF(envelope.mailFrom());
            out.writeInt(envelope.recipients().size());
            for (String r : envelope.recipients()) {
                out.writeUTF(r);
            }
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The record {@link #encode()} wrote. */
    static PendingConfirmation decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            String token = in.readUTF();
            long expires = in.readLong();
            String peer = in.readUTF();
            String from = in.readUTF();
            int n = in.readInt();
            List<String> rcpts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rcpts.add(in.readUTF());
            }
            return new PendingConfirmation(token, expires, new Envelope(peer, from, rcpts), in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("a stored confirmation is damaged: " + e.getMessage(), e);
        }
    }
}
