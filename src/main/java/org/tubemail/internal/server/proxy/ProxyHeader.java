package org.tubemail.internal.server.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The PROXY protocol header (HAProxy's spec, versions 1 and 2) that a load balancer sends before
 * the client's first byte, naming the client's real address. Version 1 is one text line of at most
 * 107 bytes ({@code PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n}); version 2 is a binary block
 * starting with a 12-byte signature. {@code UNKNOWN} (v1) and {@code LOCAL} or an unspecified family
 * (v2, health checks) name no client: the connection's own address is kept.
 *
 * <p>Hand-written (about a hundred lines) rather than taken from Netty's HAProxy codec, which would
 * bring Netty's buffer and channel libraries to parse two fixed formats.
 *
 * @param length the header's length in bytes (the client's data follows it)
 * @param client the real client, or {@code null} when the header names none
 */
public record ProxyHeader(int length, InetSocketAddress client) {

    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final int V1_MAX = 107;
    /** Longest v2 header taken (addresses and a few TLVs); HAProxy sends far less. */
    private static final int V2_MAX = 2048;

    /** The header is malformed: the connection must be closed. */
    public static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * Parses a header at {@code b[from..to)}.
     *
     * @return the header, or {@code null} when more bytes are needed
     * @throws MalformedException when the bytes are not a PROXY header
     */
    public static ProxyHeader parse(byte[] b, int from, int to) throws MalformedException {
        int n = to - from;
        if (startsWith(b, from, to, V2)) {
            return n < V2.length ? null : parseV2(b, from, to);
        }
        if (startsWith(b, from, to, V1)) {
            return n < V1.length ? null : parseV1(b, from, to);
        }
        throw new MalformedException("no PROXY protocol signature");
    }

    /**
     * Whether {@code b[from..to)} starts with the signature of either version: {@code TRUE} or
     * {@code FALSE}, or {@code null} while the bytes there agree with a signature but are too few to tell.
     */
    public static Boolean signature(byte[] b, int from, int to) {
        int n = to - from;
        if (startsWith(b, from, to, V1)) {
            return n >= V1.length ? Boolean.TRUE : null;
        }
        if (startsWith(b, from, to, V2)) {
            return n >= V2.length ? Boolean.TRUE : null;
        }
        return Boolean.FALSE;
    }

    /** Whether the available bytes agree with {@code prefix} as far as both go. */
    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        int n = Math.min(to - from, prefix.length);
        return Arrays.equals(b, from, from + n, prefix, 0, n);
    }

    private static ProxyHeader parseV1(byte[] b, int from, int to) throws MalformedException {
        int end = -1;
        for (int i = from; i < Math.min(to, from + V1_MAX); i++) {
            if (b[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            if (to - from >= V1_MAX) {
                throw new MalformedException("v1 header longer than " + V1_MAX + " bytes");
            }
            return null;
        }
        if (end == from || b[end - 1] != '\r') {
            throw new MalformedException("v1 header not ended by CRLF");
        }
        String line = new String(b, from, end - 1 - from, StandardCharsets.US_ASCII);
        String[] f = line.split(" ", -1);
        int length = end + 1 - from;
        if (f.length >= 2 && f[1].equals("UNKNOWN")) {
            return new ProxyHeader(length, null);
        }
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
            throw new MalformedException("v1 header is not 'PROXY TCP4|TCP6 SRC DST SPORT DPORT'");
        }
        InetAddress source = literal(f[2], f[1].equals("TCP4") ? 4 : 16);
        literal(f[3], f[1].equals("TCP4") ? 4 : 16);
        int sourcePort = port(f[4]);
        port(f[5]);
        return new ProxyHeader(length, new InetSocketAddress(source, sourcePort));
    }

    /** An IP literal of the given byte length, never a host name (no DNS lookup). */
    private static InetAddress literal(String s, int bytes) throws MalformedException {
        boolean v4 = bytes == 4;
        if (s.isEmpty() || (v4 ? !s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") : !s.matches("[0-9a-fA-F:.]+") || !s.contains(":"))) {
            throw new MalformedException("bad address '" + s + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(s); // a literal: parsed, not looked up
            if (a.getAddress().length != bytes && !(bytes == 16 && a.getAddress().length == 4)) {
                throw new MalformedException("address '" + s + "' of the wrong family");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new MalformedException("bad address '" + s + "'");
        }
    }

    private static int port(String s) throws MalformedException {
        if (!s.matches("[0-9]{1,5}") || Integer.parseInt(s) > 65535 || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new MalformedException("bad port '" + s + "'");
        }
        return Integer.parseInt(s);
    }

    private static ProxyHeader parseV2(byte[] b, int from, int to) throws MalformedException {
        if (to - from < 16) {
            return null;
        }
        int verCmd = b[from + 12] & 0xff;
        int family = b[from + 13] & 0xff;
        int body = ((b[from + 14] & 0xff) << 8) | (b[from + 15] & 0xff);
        if (verCmd >> 4 != 2) {
            throw new MalformedException("v2 header of version " + (verCmd >> 4));
        }
        if (16 + body > V2_MAX) {
            throw new MalformedException("v2 header longer than " + V2_MAX + " bytes");
        }
        if (to - from < 16 + body) {
            return null;
        }
        int length = 16 + body;
        int command = verCmd & 0x0f;
        if (command == 0) { // LOCAL: the proxy's own connection (health check)
            return new ProxyHeader(length, null);
        }
        if (command != 1) {
            throw new MalformedException("v2 header with unknown command " + command);
        }
        int at = from + 16;
        try {
            return switch (family) {
                case 0x11, 0x12 -> { // TCP or UDP over IPv4
                    need(body, 12);
                    yield new ProxyHeader(length, new InetSocketAddress(
                            InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + 4)), u16(b, at + 8)));
                }
                case 0x21, 0x22 -> { // over IPv6
                    need(body, 36);
                    yield new ProxyHeader(length, new InetSocketAddress(
                            InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + 16)), u16(b, at + 32)));
                }
                case 0x00 -> new ProxyHeader(length, null);
                default -> throw new MalformedException("v2 header of unsupported address family " + family);
            };
        } catch (UnknownHostException e) {
            throw new MalformedException("v2 header with a bad address");
        }
    }

    private static void need(int body, int bytes) throws MalformedException {
        if (body < bytes) {
            throw new MalformedException("v2 header too short for its addresses");
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
