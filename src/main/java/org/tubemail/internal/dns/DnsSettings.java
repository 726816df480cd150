package org.tubemail.internal.dns;

import org.xbill.DNS.ResolverConfig;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which DNS servers a {@link DnsResolver} asks, how long it waits, and how many answers it keeps.
 *
 * @param servers   the recursive resolvers, asked in order (the next after a timeout)
 * @param timeout   the longest a whole lookup may take; past it the lookup fails as a temporary error
 * @param cacheSize answers kept (each for its TTL); 0 keeps none
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout, int cacheSize) {

    /** Default time limit of one lookup. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default number of cached answers. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    public DnsSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) throw new IllegalArgumentException("no DNS server given");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("DNS timeout must be positive");
        if (cacheSize < 0) throw new IllegalArgumentException("DNS cache size must not be negative");
    }

    /** The servers of the system's resolver configuration (/etc/resolv.conf), with the default limits. */
    public static DnsSettings system() {
        return new DnsSettings(ResolverConfig.getCurrentConfig().servers(), DEFAULT_TIMEOUT, DEFAULT_CACHE_SIZE);
    }

    /**
     * Parses a comma-separated server list: {@code 192.0.2.1}, {@code 127.0.0.1:5353}, {@code ::1},
     * {@code [::1]:5353} or a host name; the port is 53 unless given.
     *
     * @throws IllegalArgumentException naming the entry that is not a server address
     */
    public static List<InetSocketAddress> parseServers(String list) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.strip();
            if (!entry.isEmpty()) servers.add(parseServer(entry));
        }
        if (servers.isEmpty()) throw new IllegalArgumentException("no DNS server in '" + list + "'");
        return servers;
    }

    private static InetSocketAddress parseServer(String entry) {
        String host = entry;
        int port = 53;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) throw bad(entry);
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw bad(entry);
                port = port(rest.substring(1), entry);
            }
        } else if (entry.indexOf(':') == entry.lastIndexOf(':') && entry.indexOf(':') > 0) {
            host = entry.substring(0, entry.indexOf(':'));
            port = port(entry.substring(entry.indexOf(':') + 1), entry);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:-]+")) throw bad(entry);
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new IllegalArgumentException("DNS server '" + entry + "' does not resolve");
        return address;
    }

    private static int port(String text, String entry) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) throw bad(entry);
            return port;
        } catch (NumberFormatException e) {
            throw bad(entry);
        }
    }

    private static IllegalArgumentException bad(String entry) {
        return new IllegalArgumentException("'" + entry + "' is not a DNS server (host, host:port or [IPv6]:port)");
    }
}
