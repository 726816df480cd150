package org.tubemail.internal.server.guard;

import java.time.Duration;

/**
 * How an SMTP listener treats early, slow and noisy talkers (see {@link TalkerRefusal} for what each
 * refused client is told).
 *
 * @param greetDelay             how long the greeting is held back; a client that sends anything before it
 *                               is an early talker ({@link Duration#ZERO}: greet at once, still refusing what
 *                               arrived with the connection)
 * @param forbidUnauthPipelining refuse a client that sends commands ahead of their replies where RFC 2920
 *                               does not allow it
 * @param sessionMax             the longest a session may last, {@link Duration#ZERO} for no limit
 * @param dataMinBytesPerSecond  the slowest a message may arrive during {@code DATA}, 0 for no limit
 * @param dataRateWindow         the period over which that rate is measured
 * @param softErrorLimit         errors after which every reply is delayed
 * @param hardErrorLimit         errors after which the session ends
 * @param errorDelay             the delay of the first reply past the soft limit; each further error adds as much
 */
public record TalkerSettings(Duration greetDelay, boolean forbidUnauthPipelining, Duration sessionMax,
                             long dataMinBytesPerSecond, Duration dataRateWindow, int softErrorLimit, int hardErrorLimit,
                             Duration errorDelay) {

    /**
     * The defaults: greet at once, no pipelining without {@code PIPELINING}, sessions of at most
     * 30 minutes, at least 500 bytes a second over 30 seconds during {@code DATA} (Postfix's
     * {@code smtpd_min_data_rate}), replies delayed after 10 errors (1 s, 2 s, ...) and the
     * session ended after 20 (Postfix's soft and hard error limits).
     */
    public static final TalkerSettings DEFAULTS = new TalkerSettings(Duration.ZERO, true, Duration.ofMinutes(30), 500,
            Duration.ofSeconds(30), 10, 20, Duration.ofSeconds(1));

    /** Checks the limits. */
    public TalkerSettings {
        if (greetDelay.isNegative() || sessionMax.isNegative() || errorDelay.isNegative() || dataMinBytesPerSecond < 0
                || dataRateWindow.isNegative() || dataRateWindow.isZero() || softErrorLimit < 1 || hardErrorLimit < 1) {
            throw new IllegalArgumentException("talker limits must be positive (delays and rates may be 0)");
        }
    }
}
