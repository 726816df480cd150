package org.tubemail.internal.server.proxy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PROXY protocol headers, byte by byte (the HAProxy-made ones are in ProxyProtocolTest). */
class ProxyHeaderTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ProxyHeader parse(byte[] b) throws ProxyHeader.MalformedException {
        return ProxyHeader.parse(b, 0, b.length);
    }

    private static byte[] v2(int verCmd, int family, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', (byte) verCmd, (byte) family,
                (byte) (body.length >> 8), (byte) body.length});
        b.writeBytes(body);
        b.writeBytes(ascii("EHLO x\r\n"));
        return b.toByteArray();
    }

    @Test
    void version1() throws Exception {
        byte[] b = ascii("PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\nEHLO x\r\n");
        ProxyHeader h = parse(b);
        assertEquals("203.0.113.7", h.client().getAddress().getHostAddress());
        assertEquals(40000, h.client().getPort());
        assertEquals(b.length - "EHLO x\r\n".length(), h.length());
        assertNull(ProxyHeader.parse(b, 0, 20), "incomplete");
        assertNull(parse(ascii("PROXY UNKNOWN\r\n")).client());
        for (String bad : List.of("PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\n", "PROXY TCP4 mx.example.org 192.0.2.1 1 25\r\n",
                "PROXY TCP4 2001:db8::1 192.0.2.1 1 25\r\n", "PROXY TCP4 203.0.113.7 192.0.2.1 70000 25\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.1 1 25 extra\r\n", "PROXY TCP4 " + "1".repeat(120), "EHLO x\r\n")) {
            assertThrows(ProxyHeader.MalformedException.class, () -> parse(ascii(bad)), bad);
        }
    }

    @Test
    void version2() throws Exception {
        byte[] v6 = new byte[36];
        System.arraycopy(InetAddress.getByName("2001:db8::7").getAddress(), 0, v6, 0, 16);
        v6[32] = (byte) 0x9c;
        v6[33] = 0x40;
        ProxyHeader h = parse(v2(0x21, 0x21, v6));
        assertEquals("2001:db8:0:0:0:0:0:7", h.client().getAddress().getHostAddress());
        assertEquals(40000, h.client().getPort());
        assertEquals(16 + 36, h.length());
        assertNull(parse(v2(0x20, 0x00, new byte[0])).client(), "LOCAL: a health check, no client");
        byte[] whole = v2(0x21, 0x11, new byte[12]);
        assertNull(ProxyHeader.parse(whole, 0, 20), "incomplete");
        assertThrows(ProxyHeader.MalformedException.class, () -> parse(v2(0x21, 0x11, new byte[4])), "too short for IPv4");
        assertThrows(ProxyHeader.MalformedException.class, () -> parse(v2(0x11, 0x11, new byte[12])), "version 1 in a v2 block");
        assertThrows(ProxyHeader.MalformedException.class, () -> parse(v2(0x21, 0x31, new byte[12])), "unix sockets");
        assertThrows(ProxyHeader.MalformedException.class, () -> parse(v2(0x21, 0x11, new byte[3000])), "too long");
    }

    @Test
    void signatureAndTrustedNetworks() {
        assertTrue(ProxyHeader.signature(ascii("PROXY TCP4"), 0, 10));
        assertNull(ProxyHeader.signature(ascii("PRO"), 0, 3));
        assertFalse(ProxyHeader.signature(ascii("EHLO x"), 0, 6));
        ProxyPolicy p = ProxyPolicy.trusting(List.of("10.0.0.0/8", "192.0.2.128/25", "::1/128"));
        assertTrue(p.trusts(addr("10.200.1.1")));
        assertTrue(p.trusts(addr("192.0.2.200")));
        assertFalse(p.trusts(addr("192.0.2.100")));
        assertTrue(p.trusts(addr("::1")));
        assertFalse(p.trusts(addr("127.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> ProxyPolicy.trusting(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> ProxyPolicy.trusting(List.of("lb.example.com")));
    }

    private static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
