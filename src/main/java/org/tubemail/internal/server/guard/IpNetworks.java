package org.tubemail.internal.server.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of IP networks in CIDR form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single
 * address), IPv4 and IPv6, and whether an address lies in one of them. An IPv4 network never
 * contains an IPv6 address and the other way round. Immutable.
 */
public final class IpNetworks {

    /** No network: contains nothing. */
    public static final IpNetworks NONE = new IpNetworks(List.of(), List.of());

    private record Network(byte[] address, int bits) {
        boolean contains(byte[] a) {
            if (a.length != address.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != address[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            return rest == 0 || ((a[full] ^ address[full]) & (0xff << (8 - rest))) == 0;
        }
    }

    private final List<Network> networks;
    private final List<String> text;

    private IpNetworks(List<Network> networks, List<String> text) {
        this.networks = networks;
        this.text = text;
    }

    /**
     * @param cidrs CIDR blocks such as {@code 10.0.0.0/8}, {@code ::1/128}, or single addresses (IP literals only)
     * @throws IllegalArgumentException naming the first bad entry and the form expected
     */
    public static IpNetworks parse(List<String> cidrs) {
        List<Network> list = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (String n : cidrs) {
            list.add(network(n.strip()));
            text.add(n.strip());
        }
        return list.isEmpty() ? NONE : new IpNetworks(List.copyOf(list), List.copyOf(text));
    }

    private static Network network(String cidr) {
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!host.matches("[0-9a-fA-F:.]+") || !(host.contains(".") || host.contains(":"))) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP network such as 10.0.0.0/8 or ::1/128");
        }
        try {
            byte[] a = InetAddress.getByName(host).getAddress(); // an IP literal: no lookup
            int bits = slash < 0 ? a.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (bits < 0 || bits > a.length * 8) {
                throw new IllegalArgumentException("'" + cidr + "': prefix length out of range");
            }
            return new Network(a, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP network such as 10.0.0.0/8 or ::1/128");
        }
    }

    /** Whether {@code address} lies in one of the networks. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        for (Network n : networks) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the list is empty. */
    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
