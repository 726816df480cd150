package org.tubemail.internal.relay;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The retry bookkeeping a {@link SmtpRelay} keeps in the reason line of a queued message, readable
 * by people listing the queue:
 * {@code retry attempts=2 since=2026-01-01T10:00:00Z next=2026-01-01T10:01:30Z: 421 4.3.2 busy} or
 * {@code dead-letter attempts=1 since=2026-01-01T10:00:00Z: 550 5.1.1 no such user}.
 *
 * @param attempts how many attempts failed so far
 * @param since    when the first attempt was made
 * @param next     when to try again; {@link Instant#MAX} for a dead letter
 * @param error    the last failure
 */
record RetryRecord(int attempts, Instant since, Instant next, String error) {

    private static final Pattern FORM = Pattern.compile(
            "(retry|dead-letter) attempts=(\\d+) since=(\\S+)(?: next=(\\S+))?: ?(.*)", Pattern.DOTALL);

    /** Whether this message is no longer retried. */
    boolean dead() {
        return next.equals(Instant.MAX);
    }

    /** A message that is to be retried at {@code next}. */
    static RetryRecord retry(int attempts, Instant since, Instant next, String error) {
        return new RetryRecord(attempts, since, next, error);
    }

    /** A message that is no longer retried. */
    static RetryRecord dead(int attempts, Instant since, String error) {
        return new RetryRecord(attempts, since, Instant.MAX, error);
    }

    /** Reads a reason line; anything else (a message queued by hand) is due now, as if never tried. */
    static RetryRecord parse(String reason, Instant now) {
        Matcher m = FORM.matcher(reason);
        if (m.matches()) {
            try {
                Instant since = Instant.parse(m.group(3));
                int attempts = Integer.parseInt(m.group(2));
                return m.group(1).equals("retry")
                        ? retry(attempts, since, m.group(4) == null ? now : Instant.parse(m.group(4)), m.group(5))
                        : dead(attempts, since, m.group(5));
            } catch (DateTimeParseException | NumberFormatException e) {
                // falls through to "due now"
            }
        }
        return retry(0, now, now, reason);
    }

    /** The reason line. */
    String format() {
        return dead()
                ? "dead-letter attempts=" + attempts + " since=" + since + ": " + error
                : "retry attempts=" + attempts + " since=" + since + " next=" + next + ": " + error;
    }
}
