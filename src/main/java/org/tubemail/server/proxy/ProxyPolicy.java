package org.tubemail.server.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers are load balancers: a connection from one of the trusted networks must begin with
 * a PROXY header ({@link ProxyHeader}) and the address in it counts as the client's; a connection
 * from anywhere else is a client itself, and a PROXY header from it is refused (else any client
 * could claim any address).
 */
public final class ProxyPolicy {

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

    private final List<Network> trusted;
    private final List<String> text;

    private ProxyPolicy(List<Network> trusted, List<String> text) {
        this.trusted = trusted;
        this.text = text;
    }

    /**
     * @param networks CIDR blocks such as {@code 10.0.0.0/8}, {@code ::1/128}, or single addresses
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static ProxyPolicy trusting(List<String> networks) {
        List<Network> list = new ArrayList<>();
        for (String n : networks) {
            list.add(parse(n.strip()));
        }
        return new ProxyPolicy(List.copyOf(list), List.copyOf(networks));
    }

    private static Network parse(String cidr) {
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

    /** Whether {@code peer} is a trusted proxy. */
    public boolean trusts(InetAddress peer) {
        byte[] a = peer.getAddress();
        for (Network n : trusted) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PROXY protocol from " + text;
    }
}
