package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Who counts as one client: an IPv4 address, an IPv6 network of the configured prefix. */
class ClientKeyTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void anIpv4AddressIsItself() throws Exception {
        assertEquals("192.0.2.7", ClientKey.of(ip("192.0.2.7"), 64).text());
        assertNotEquals(ClientKey.of(ip("192.0.2.7"), 64), ClientKey.of(ip("192.0.2.8"), 64));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 192;
        mapped[15] = 7;
        mapped[14] = 2;
        assertEquals("192.0.2.7", ClientKey.of(java.net.Inet6Address.getByAddress(null, mapped, -1), 64).text(),
                "an IPv4-mapped IPv6 address is its IPv4 address");
    }

    @Test
    void ipv6AddressesOfOneSlash64AreOneClient() throws Exception {
        ClientKey a = ClientKey.of(ip("2001:db8:1:2::7"), 64);
        ClientKey b = ClientKey.of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), 64);
        assertEquals(a, b);
        assertEquals("2001:db8:1:2:0:0:0:0/64", a.text());
        assertNotEquals(a, ClientKey.of(ip("2001:db8:1:3::7"), 64), "the next /64 is another client");
    }

    @Test
    void thePrefixIsASetting() throws Exception {
        assertEquals(ClientKey.of(ip("2001:db8:1:2::7"), 48), ClientKey.of(ip("2001:db8:1:ffff::1"), 48));
        assertEquals("2001:db8:1:0:0:0:0:0/48", ClientKey.of(ip("2001:db8:1:ffff::1"), 48).text());
        assertEquals("2001:db8:0:0:0:0:0:0/29", ClientKey.of(ip("2001:dbf::1"), 29).text(), "a prefix inside a byte");
        assertNotEquals(ClientKey.of(ip("2001:db8::1"), 128), ClientKey.of(ip("2001:db8::2"), 128));
        assertEquals("2001:db8:0:0:0:0:0:1", ClientKey.of(ip("2001:db8::1"), 128).text());
    }
}
