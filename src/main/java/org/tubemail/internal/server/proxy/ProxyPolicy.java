package org.tubemail.internal.server.proxy;

import org.tubemail.internal.server.guard.IpNetworks;

import java.net.InetAddress;
import java.util.List;

/**
 * Which peers are load balancers: a connection from one of the trusted networks must begin with
 * a PROXY header ({@link ProxyHeader}) and the address in it counts as the client's; a connection
 * from anywhere else is a client itself, and a PROXY header from it is refused (else any client
 * could claim any address).
 */
public final class ProxyPolicy {

    private final IpNetworks trusted;

    private ProxyPolicy(IpNetworks trusted) {
        this.trusted = trusted;
    }

    /**
     * @param networks CIDR blocks such as {@code 10.0.0.0/8}, {@code ::1/128}, or single addresses
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static ProxyPolicy trusting(List<String> networks) {
        return new ProxyPolicy(IpNetworks.parse(networks));
    }

    /** Whether {@code peer} is a trusted proxy. */
    public boolean trusts(InetAddress peer) {
        return trusted.contains(peer);
    }

    @Override
    public String toString() {
        return "PROXY protocol from " + trusted;
    }
}
