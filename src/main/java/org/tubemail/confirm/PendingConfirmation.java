package org.tubemail.confirm;

import org.tubemail.mail.Envelope;

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
}
