package org.tubemail.internal.server.guard;

import java.time.Duration;

/**
 * Per-client limits of an SMTP listener, like Postfix's {@code anvil}: a client is its
 * {@link ClientKey} (an IPv4 address, an IPv6 network). {@code 0} turns a limit off.
 *
 * @param sessions       concurrent connections per client; past it {@code 421 4.7.0} and the connection closes
 * @param connectionRate new connections per client per {@code window}; past it {@code 421 4.7.0}
 * @param messageRate    {@code MAIL} commands per client per {@code window}; past it {@code 450 4.7.1}
 * @param recipientRate  {@code RCPT} commands per client per {@code window}; past it {@code 450 4.7.1}
 * @param window         the period of the three rates
 * @param ipv6Prefix     how many leading bits of an IPv6 address make one client (1-128)
 * @param tracked        how many clients without an open connection are remembered at most: the
 *                       table's bound, whatever the number of addresses (the least recently seen are
 *                       forgotten first)
 * @param trusted        networks exempt from every limit, whose mail counts as authenticated ({@code auth=local})
 */
public record ClientLimits(int sessions, int connectionRate, int messageRate, int recipientRate, Duration window,
                           int ipv6Prefix, int tracked, IpNetworks trusted) {

    /** No limits and no trusted network. */
    public static final ClientLimits NONE = new ClientLimits(0, 0, 0, 0, Duration.ofMinutes(1), 64, 20_000, IpNetworks.NONE);

    /**
     * The defaults of the settings: 50 sessions (Postfix's {@code smtpd_client_connection_count_limit}),
     * 120 connections, 300 messages and 1,000 recipients a minute, IPv6 by /64, 20,000 clients remembered.
     */
    public static final ClientLimits DEFAULTS = new ClientLimits(50, 120, 300, 1_000, Duration.ofMinutes(1), 64, 20_000,
            IpNetworks.NONE);

    /** Checks the ranges. */
    public ClientLimits {
        if (sessions < 0 || connectionRate < 0 || messageRate < 0 || recipientRate < 0) {
            throw new IllegalArgumentException("client limits must be 0 (off) or positive");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the rate window must be positive: " + window);
        }
        if (ipv6Prefix < 1 || ipv6Prefix > 128 || tracked < 1) {
            throw new IllegalArgumentException("the IPv6 prefix must be 1-128 and the table size positive");
        }
    }

    /** These limits, with {@code networks} trusted. */
    public ClientLimits trusting(IpNetworks networks) {
        return new ClientLimits(sessions, connectionRate, messageRate, recipientRate, window, ipv6Prefix, tracked, networks);
    }

    /** Whether any limit is on. */
    boolean any() {
        return sessions > 0 || connectionRate > 0 || messageRate > 0 || recipientRate > 0;
    }

    /** The window as a reply says it: {@code per minute}, {@code per 30 seconds}. */
    String per() {
        long s = window.toSeconds();
        return s == 60 ? "per minute" : s == 3600 ? "per hour" : "per " + s + " seconds";
    }
}
