package org.tubemail.internal.server.guard;

/**
 * One connection as its client's limits see it ({@link ClientLimiter#connect}): whether it was
 * refused, whether its client is trusted, and the checks of its {@code MAIL} and {@code RCPT}
 * commands. Each check returns {@code null} to go on, or the reply that refuses (already reported).
 * Used by the thread of its connection; {@link #close} once when the connection ends.
 */
public final class ClientSession {

    /** A connection under no limit and not trusted. */
    public static final ClientSession UNLIMITED = new ClientSession(null, null, null, false);
    /** A connection from a trusted network: no limit, and its mail counts as authenticated. */
    static final ClientSession TRUSTED = new ClientSession(null, null, null, true);

    private final ClientLimiter limiter;
    private final ClientLimiter.Entry entry;
    private final String refusal;
    private final boolean trusted;
    private boolean closed;

    ClientSession(ClientLimiter limiter, ClientLimiter.Entry entry, String refusal, boolean trusted) {
        this.limiter = limiter;
        this.entry = entry;
        this.refusal = refusal;
        this.trusted = trusted;
    }

    /** The reply refusing the connection ({@code 421 4.7.0 ...}), or {@code null} when it was admitted. */
    public String refusal() {
        return refusal;
    }

    /** Whether the client is in a trusted network ({@code receiver.trusted.networks}). */
    public boolean trusted() {
        return trusted;
    }

    /** Counts a {@code MAIL}: {@code null}, or {@code 450 4.7.1} past the client's message rate. */
    public String mail() {
        return entry == null ? null : limiter.message(entry);
    }

    /** Counts a {@code RCPT}: {@code null}, or {@code 450 4.7.1} past the client's recipient rate. */
    public String recipient() {
        return entry == null ? null : limiter.recipient(entry);
    }

    /** The connection ended: it no longer counts against its client's sessions. Idempotent. */
    public void close() {
        if (entry != null && refusal == null && !closed) {
            closed = true;
            limiter.release(entry);
        }
    }
}
