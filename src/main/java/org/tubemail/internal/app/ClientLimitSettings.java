package org.tubemail.internal.app;

import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.IpNetworks;

import java.util.List;

/**
 * The SMTP receiver's per-client limits and trusted networks: {@code receiver.client.max.sessions},
 * {@code receiver.client.connection.rate}, {@code receiver.client.message.rate},
 * {@code receiver.client.recipient.rate}, {@code receiver.client.rate.window.seconds},
 * {@code receiver.client.ipv6.prefix}, {@code receiver.client.tracked.max} and
 * {@code receiver.trusted.networks}.
 */
final class ClientLimitSettings {

    private ClientLimitSettings() {
    }

    /** Reads the limits; defaults are {@link ClientLimits#DEFAULTS}. */
    static ClientLimits read(Settings s) {
        ClientLimits d = ClientLimits.DEFAULTS;
        List<String> trusted = s.list("receiver.trusted.networks", "");
        IpNetworks networks;
        try {
            networks = IpNetworks.parse(trusted);
        } catch (IllegalArgumentException e) {
            throw s.invalid("receiver.trusted.networks", "a comma-separated list of IP networks such as 192.0.2.0/24, 2001:db8::/48 ("
                    + e.getMessage() + ")");
        }
        return new ClientLimits(
                s.integer("receiver.client.max.sessions", d.sessions(), 0, 1_000_000),
                s.integer("receiver.client.connection.rate", d.connectionRate(), 0, 100_000_000),
                s.integer("receiver.client.message.rate", d.messageRate(), 0, 100_000_000),
                s.integer("receiver.client.recipient.rate", d.recipientRate(), 0, 100_000_000),
                s.seconds("receiver.client.rate.window.seconds", d.window(), false),
                s.integer("receiver.client.ipv6.prefix", d.ipv6Prefix(), 1, 128),
                s.integer("receiver.client.tracked.max", d.tracked(), 100, 10_000_000),
                networks);
    }
}
