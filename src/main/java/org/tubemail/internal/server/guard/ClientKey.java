package org.tubemail.internal.server.guard;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A client as the per-client limits count it: an IPv4 address as it is, an IPv6 address by its
 * network of {@code ipv6Prefix} bits (a /64 by default: one site or one customer usually gets a
 * whole /64, so counting single IPv6 addresses would count nothing). An IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is its IPv4 address.
 *
 * @param text the address, or the network as {@code 2001:db8:1:2:0:0:0:0/64}
 */
public record ClientKey(String text) {

    /** The key of {@code address}, with IPv6 addresses grouped by their first {@code ipv6Prefix} bits. */
    public static ClientKey of(InetAddress address, int ipv6Prefix) {
        if (address instanceof Inet4Address) {
            return new ClientKey(address.getHostAddress());
        }
        byte[] a = address.getAddress();
        if (isMapped(a)) {
            return new ClientKey((a[12] & 0xff) + "." + (a[13] & 0xff) + "." + (a[14] & 0xff) + "." + (a[15] & 0xff));
        }
        if (ipv6Prefix >= 128) {
            return new ClientKey(stripScope(address.getHostAddress()));
        }
        byte[] net = new byte[16];
        int full = ipv6Prefix / 8;
        System.arraycopy(a, 0, net, 0, full);
        int rest = ipv6Prefix % 8;
        if (rest != 0) {
            net[full] = (byte) (a[full] & (0xff << (8 - rest)));
        }
        try {
            return new ClientKey(Inet6Address.getByAddress(net).getHostAddress() + "/" + ipv6Prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    private static boolean isMapped(byte[] a) {
        if (a.length != 16 || a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
            return false;
        }
        byte[] zeros = new byte[10];
        return Arrays.equals(a, 0, 10, zeros, 0, 10);
    }

    /** {@code fe80:...%eth0} without its {@code %eth0}: the zone is no part of who the client is. */
    private static String stripScope(String host) {
        int percent = host.indexOf('%');
        return percent < 0 ? host : host.substring(0, percent);
    }

    @Override
    public String toString() {
        return text;
    }
}
