package org.tubemail.internal.server.guard;

/**
 * Counts one session's errors (replies of {@code 4xx} or {@code 5xx} to its commands: unknown or
 * malformed commands, refused senders and recipients), as Postfix's {@code smtpd_soft_error_limit}
 * and {@code smtpd_hard_error_limit} do. Past the soft limit every reply is held back, longer
 * with each further error (a tarpit); at the hard limit the session ends. A message accepted
 * forgives the errors before it. A dictionary attack thus learns ten addresses quickly, the
 * next few slowly, and then has to start over on a new connection.
 */
public final class ErrorLimits {

    private final int soft;
    private final int hard;
    private final long stepNanos;
    private int errors;

    /** Limits as {@code settings} give them. */
    public ErrorLimits(TalkerSettings settings) {
        this.soft = settings.softErrorLimit();
        this.hard = settings.hardErrorLimit();
        this.stepNanos = settings.errorDelay().toNanos();
    }

    /**
     * Counts {@code reply} (an error when it starts with 4 or 5) and says what to do with it.
     *
     * @return {@code -1}: give it, then end the session; {@code 0}: give it now; more: hold it back
     *         that many nanoseconds
     */
    public long count(String reply) {
        if (!reply.isEmpty() && reply.charAt(0) >= '4') {
            errors++;
        }
        if (errors >= hard) {
            return -1;
        }
        return errors > soft ? stepNanos * (errors - soft) : 0;
    }

    /** A message was accepted: the errors before it are forgiven. */
    public void forgive() {
        errors = 0;
    }

    /** How many errors count now. */
    public int errors() {
        return errors;
    }
}
