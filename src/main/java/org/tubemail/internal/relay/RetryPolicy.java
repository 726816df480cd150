package org.tubemail.internal.relay;

import java.time.Duration;
import java.util.List;

/**
 * When a {@link SmtpRelay} tries again to send mail the smarthost did not take.
 *
 * @param delays       the wait after the first, second, ... failed attempt; the last one repeats
 * @param maxAge       how long after the first attempt to keep trying; then the message becomes a
 *                     dead letter
 * @param scanInterval how often the retry queue is looked at
 */
public record RetryPolicy(List<Duration> delays, Duration maxAge, Duration scanInterval) {

    /** Copies the delays and rejects an empty list. */
    public RetryPolicy {
        delays = List.copyOf(delays);
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("a retry policy needs at least one delay");
        }
    }

    /** 30 s, 1 min, 5 min, 15 min, 30 min, then hourly, for up to 5 days (as Postfix does); scanned every 5 s. */
    public static RetryPolicy standard() {
        return new RetryPolicy(List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1)), Duration.ofDays(5), Duration.ofSeconds(5));
    }

    /** The wait after {@code attempts} failed attempts (1 or more). */
    Duration delayAfter(int attempts) {
        return delays.get(Math.min(Math.max(attempts, 1), delays.size()) - 1);
    }
}
