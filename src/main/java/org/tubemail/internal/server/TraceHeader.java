package org.tubemail.internal.server;

import org.tubemail.internal.mail.Addresses;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code Received:} trace line (RFC 5321 section 4.4) a receiver puts on top of every message it
 * accepts. It names the client as it introduced itself and by IP address (no reverse DNS lookup:
 * that would put a name-service round trip inside every {@code DATA}), this server, the protocol
 * and the queue id. The date text is made once per second and shared.
 */
public final class TraceHeader {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private record Stamp(long second, String text) {
    }

    private static volatile Stamp stamp = new Stamp(-1, "");

    private TraceHeader() {
    }

    /**
     * @param helo     the name the client gave in {@code HELO}/{@code EHLO}/{@code LHLO}, or {@code ""}
     * @param clientIp the client's IP address
     * @param host     this server's name
     * @param protocol the RFC 3848 protocol word: {@code SMTP}, {@code ESMTP} or {@code LMTP}; with TLS an
     *                 {@code S} is added ({@code ESMTPS}, {@code LMTPS})
     * @param tls      the TLS protocol and cipher (e.g. {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384}), or {@code null}
     * @param id       the session's or message's id, or {@code ""} for none
     * @param message  the message as received
     * @return the trace line (CRLF-terminated, folded) followed by {@code message}
     */
    public static byte[] prepend(String helo, String clientIp, String host, String protocol, String tls, String id, byte[] message) {
        byte[] trace = line(helo, clientIp, host, protocol, tls, id);
        byte[] out = Arrays.copyOf(trace, trace.length + message.length);
        System.arraycopy(message, 0, out, trace.length, message.length);
        return out;
    }

    static byte[] line(String helo, String clientIp, String host, String protocol, String tls, String id) {
        String text = "Received: from " + token(helo.isEmpty() ? "unknown" : helo) + " ([" + clientIp + "])\r\n"
                + (tls == null ? "" : "\t(using " + tls + ")\r\n")
                + "\tby " + token(host) + " (Tubemail) with " + protocol + (tls == null ? "" : "S")
                + (id.isEmpty() ? "" : " id " + token(id)) + ";\r\n"
                + "\t" + now() + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = stamp;
        if (s.second() != second) {
            s = new Stamp(second, DATE.format(Instant.ofEpochSecond(second)));
            stamp = s;
        }
        return s.text();
    }

    /** Keeps client-chosen text from breaking the header: no spaces, controls, brackets or semicolons. */
    private static String token(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 255));
        for (int i = 0; i < s.length() && b.length() < 255; i++) {
            char c = s.charAt(i);
            b.append(c == ' ' || Addresses.breaksLines(c) || c == '(' || c == ')' || c == ';' || c == '[' || c == ']' ? '_' : c);
        }
        return b.toString();
    }
}
