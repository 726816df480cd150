package org.tubemail.internal.app;

import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Builds the DNS resolver from {@code dns.servers}, {@code dns.timeout.seconds} and {@code dns.cache.size}. */
public final class Resolvers {
    private Resolvers() {}

    /** The resolver the settings describe; the system's servers when {@code dns.servers} is empty. */
    public static DnsResolver create(Settings s) {
        return new DnsResolver(settings(s));
    }

    static DnsSettings settings(Settings s) {
        String servers = s.string("dns.servers", "");
        List<InetSocketAddress> addresses;
        if (servers.isBlank()) {
            addresses = DnsSettings.system().servers();
        } else {
            try {
                addresses = DnsSettings.parseServers(servers);
            } catch (IllegalArgumentException e) {
                throw s.invalid("dns.servers", "comma-separated DNS servers: host, host:port or [IPv6]:port ("
                        + e.getMessage() + ")");
            }
        }
        Duration timeout = s.seconds("dns.timeout.seconds", DnsSettings.DEFAULT_TIMEOUT, false);
        int cacheSize = s.integer("dns.cache.size", DnsSettings.DEFAULT_CACHE_SIZE, 0, 10_000_000);
        return new DnsSettings(addresses, timeout, cacheSize);
    }
}
