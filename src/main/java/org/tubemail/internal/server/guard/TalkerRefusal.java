package org.tubemail.internal.server.guard;

/**
 * The ways a session is ended for how its client talks, each with the reason that
 * {@link org.tubemail.internal.monitor.Monitor#clientRefused} reports and the reply the client gets:
 * {@code 554 5.5.0} for proof of a broken or hostile client (it spoke out of turn), {@code 421}
 * where a real sender on a bad link might be caught, so that it comes back later.
 */
public enum TalkerRefusal {
    /** Something arrived before the greeting. */
    EARLY_TALKER("early_talker", "554 5.5.0 %s Error: SMTP protocol synchronization: sent before the greeting"),
    /** Commands arrived ahead of a reply the client had to wait for (RFC 2920). */
    UNAUTH_PIPELINING("unauth_pipelining",
            "554 5.5.0 %s Error: SMTP protocol synchronization: commands sent ahead of their replies without PIPELINING"),
    /** The session lasted longer than the session time limit. */
    SESSION_TIME("session_time", "421 4.4.2 %s Error: session time limit of %d seconds exceeded, try again later"),
    /** The message arrived more slowly than the minimum data rate. */
    SLOW_DATA("slow_data", "421 4.4.2 %s Error: message data arrives too slowly (the minimum is %d bytes per second), try again later"),
    /** The client made too many errors. */
    ERROR_LIMIT("error_limit", "421 4.7.0 %s Error: too many errors (the limit is %d)");

    private final String reason;
    private final String reply;

    TalkerRefusal(String reason, String reply) {
        this.reason = reason;
        this.reply = reply;
    }

    /** The short fixed name of the refusal, as metrics and events give it. */
    public String reason() {
        return reason;
    }

    /** The reply, naming {@code host} and the limit of {@code settings} that was passed. */
    public String reply(String host, TalkerSettings settings) {
        return switch (this) {
            case EARLY_TALKER, UNAUTH_PIPELINING -> reply.formatted(host);
            case SESSION_TIME -> reply.formatted(host, settings.sessionMax().toSeconds());
            case SLOW_DATA -> reply.formatted(host, settings.dataMinBytesPerSecond());
            case ERROR_LIMIT -> reply.formatted(host, settings.hardErrorLimit());
        };
    }
}
